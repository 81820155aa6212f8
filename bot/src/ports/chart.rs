//! Charts as images. Drawing needs a plotting library the domain does not carry; the
//! composition root implements this port, and without one `/stats` answers in text only.

use chrono::NaiveDate;
use std::sync::Arc;

/// Registrations per day against capacity, for `/stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationChart {
    /// Each day from the first shown to the last, with the registrations received so far.
    pub cumulative: Vec<(NaiveDate, u32)>,
    pub capacity: u32,
    /// The salon's day (local), marked on the chart.
    pub salon_day: NaiveDate,
}

pub trait ChartRenderer: Send + Sync {
    /// A PNG image, or `None` if it could not be drawn.
    fn registrations_png(&self, chart: &RegistrationChart) -> Option<Vec<u8>>;
    /// The image's size in pixels (width, height).
    fn size(&self) -> (u32, u32);
}

/// The renderer the engine uses, if any (`EngineConfig::charts`).
#[derive(Clone, Default)]
pub struct Charts(pub Option<Arc<dyn ChartRenderer>>);

impl std::fmt::Debug for Charts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Charts(on)"
        } else {
            "Charts(off)"
        })
    }
}
