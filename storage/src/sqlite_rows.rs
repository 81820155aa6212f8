//! `rows_of(?)`: rows packed in one BLOB, as a table SQLite can `SELECT c0, c1, … FROM`.
//!
//! The flush and the prefetch send each table's rows as one parameter. As JSON
//! (`json_each` and `value ->> i`), SQLite rendered every row back to text and parsed it
//! again once per column: about a quarter of its thread's time under `yunqi-load`. Here
//! the writer packs the same rows (`pack`, from the same `Serialize` tuples the PostgreSQL
//! backend sends as JSON) and SQLite reads each value where it lies.
//!
//! The format: one byte, the number of columns (at most `COLS`); then each row's values in
//! order, each a tag byte and its bytes: `0` NULL; `1` an integer, 8 bytes little-endian;
//! `2` text, its length (4 bytes little-endian) and its UTF-8 bytes; `3` a real, 8 bytes.
//! The table is eponymous only (`CREATE VIRTUAL TABLE` cannot name it) and read only; a
//! malformed BLOB is an error, never a read outside it.

use libsqlite3_sys as ffi;
use serde::ser::{self, Impossible, Serialize};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::Once;

/// The most columns a row may have: `c0` … `c15`.
pub(crate) const COLS: usize = 16;

const DECLARE: &CStr = c"CREATE TABLE x(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, rows HIDDEN)";
/// The hidden column the argument constrains.
const ROWS: c_int = COLS as c_int;

const NULL: u8 = 0;
const INT: u8 = 1;
const TEXT: u8 = 2;
const REAL: u8 = 3;

/// Makes `rows_of` known to every SQLite connection this process opens from now on.
pub(crate) fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `init` has the entry point's signature and only registers the module.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(init)) };
        if rc != ffi::SQLITE_OK {
            tracing::error!(rc, "registering rows_of for new SQLite connections failed");
        }
    });
}

unsafe extern "C" fn init(
    db: *mut ffi::sqlite3,
    _err: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    ffi::sqlite3_create_module_v2(db, c"rows_of".as_ptr(), &MODULE, std::ptr::null_mut(), None)
}

/// Rows (a sequence of tuples of integers, reals, text and `None`) packed for `rows_of`.
pub(crate) fn pack<T: Serialize + ?Sized>(rows: &T) -> Result<Vec<u8>, PackError> {
    let mut p = Packer {
        out: vec![0],
        cols: None,
        depth: Depth::Top,
        in_row: 0,
    };
    rows.serialize(&mut p)?;
    Ok(p.out)
}

#[derive(Debug)]
pub(crate) struct PackError(String);

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "packing rows: {}", self.0)
    }
}

impl std::error::Error for PackError {}

impl ser::Error for PackError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        PackError(msg.to_string())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// Expecting the sequence of rows.
    Top,
    /// Inside it, expecting a row.
    Rows,
    /// Inside a row, expecting values.
    Values,
}

struct Packer {
    out: Vec<u8>,
    cols: Option<usize>,
    depth: Depth,
    in_row: usize,
}

impl Packer {
    fn value(&mut self, tag: u8, bytes: &[u8]) -> Result<(), PackError> {
        if self.depth != Depth::Values {
            return Err(PackError("a value outside a row".into()));
        }
        self.out.push(tag);
        self.out.extend_from_slice(bytes);
        self.in_row += 1;
        Ok(())
    }

    fn int(&mut self, v: i64) -> Result<(), PackError> {
        self.value(INT, &v.to_le_bytes())
    }

    fn text(&mut self, v: &str) -> Result<(), PackError> {
        let len = u32::try_from(v.len()).map_err(|_| PackError("text over 4 GiB".into()))?;
        self.value(TEXT, &len.to_le_bytes())?;
        self.out.extend_from_slice(v.as_bytes());
        Ok(())
    }

    fn unsupported(what: &str) -> PackError {
        PackError(format!("{what} is not a column value"))
    }
}

impl ser::Serializer for &mut Packer {
    type Ok = ();
    type Error = PackError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Impossible<(), PackError>;
    type SerializeTupleVariant = Impossible<(), PackError>;
    type SerializeMap = Impossible<(), PackError>;
    type SerializeStruct = Impossible<(), PackError>;
    type SerializeStructVariant = Impossible<(), PackError>;

    fn serialize_bool(self, v: bool) -> Result<(), PackError> {
        self.int(v as i64)
    }
    fn serialize_i8(self, v: i8) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), PackError> {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), PackError> {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), PackError> {
        let v = i64::try_from(v).map_err(|_| PackError(format!("{v} is over i64")))?;
        self.int(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), PackError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), PackError> {
        self.value(REAL, &v.to_le_bytes())
    }
    fn serialize_char(self, v: char) -> Result<(), PackError> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), PackError> {
        self.text(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), PackError> {
        Err(Packer::unsupported("a byte string"))
    }
    fn serialize_none(self) -> Result<(), PackError> {
        self.value(NULL, &[])
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), PackError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), PackError> {
        self.value(NULL, &[])
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), PackError> {
        self.value(NULL, &[])
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), PackError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), PackError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), PackError> {
        Err(Packer::unsupported("an enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, PackError> {
        if self.depth != Depth::Top {
            return Err(Packer::unsupported("a sequence"));
        }
        self.depth = Depth::Rows;
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, PackError> {
        if self.depth != Depth::Rows {
            return Err(Packer::unsupported("a tuple"));
        }
        match self.cols {
            None if len == 0 || len > COLS => {
                return Err(PackError(format!("rows of {len} columns (1 to {COLS})")))
            }
            None => {
                self.cols = Some(len);
                self.out[0] = len as u8;
            }
            Some(cols) if cols != len => {
                return Err(PackError(format!(
                    "a row of {len} columns among rows of {cols}"
                )))
            }
            Some(_) => {}
        }
        self.depth = Depth::Values;
        self.in_row = 0;
        Ok(self)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PackError> {
        Err(Packer::unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PackError> {
        Err(Packer::unsupported("an enum with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PackError> {
        Err(Packer::unsupported("a map"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, PackError> {
        Err(Packer::unsupported("a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PackError> {
        Err(Packer::unsupported("an enum with data"))
    }
}

impl ser::SerializeSeq for &mut Packer {
    type Ok = ();
    type Error = PackError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<(), PackError> {
        row.serialize(&mut **self)
    }
    fn end(self) -> Result<(), PackError> {
        self.depth = Depth::Top;
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Packer {
    type Ok = ();
    type Error = PackError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PackError> {
        // One value: a nested row or list is refused where it starts (`Depth`).
        v.serialize(&mut **self)
    }
    fn end(self) -> Result<(), PackError> {
        // A row shorter or longer than the first would shift every value after it.
        if Some(self.in_row) != self.cols {
            return Err(PackError("a row of another width than it said".into()));
        }
        self.depth = Depth::Rows;
        Ok(())
    }
}

/// One value of the current row, where it lies in the cursor's copy of the BLOB.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text { at: usize, len: usize },
}

/// Reads rows from a packed BLOB, one at a time (no `unsafe`: the FFI below only asks it).
#[derive(Default)]
struct Reader {
    blob: Vec<u8>,
    cols: usize,
    pos: usize,
    row: Vec<Cell>,
    rowid: i64,
    eof: bool,
}

impl Reader {
    /// Starts over on `blob`, at its first row.
    fn start(&mut self, blob: &[u8]) -> Result<(), &'static CStr> {
        self.blob.clear();
        self.blob.extend_from_slice(blob);
        self.rowid = 0;
        self.row.clear();
        self.eof = false;
        match self.blob.first() {
            None => {
                self.eof = true;
                Ok(())
            }
            Some(&n) if n as usize > COLS => Err(c"rows_of: more columns than it has"),
            Some(&n) => {
                self.cols = n as usize;
                self.pos = 1;
                self.next()
            }
        }
    }

    fn next(&mut self) -> Result<(), &'static CStr> {
        self.row.clear();
        if self.pos == self.blob.len() {
            self.eof = true;
            return Ok(());
        }
        if self.cols == 0 {
            return Err(c"rows_of: values without columns");
        }
        for _ in 0..self.cols {
            let cell = self.cell().ok_or(c"rows_of: a malformed row")?;
            self.row.push(cell);
        }
        self.rowid += 1;
        Ok(())
    }

    fn cell(&mut self) -> Option<Cell> {
        let tag = *self.blob.get(self.pos)?;
        self.pos += 1;
        let cell = match tag {
            NULL => Cell::Null,
            INT => Cell::Int(i64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            REAL => Cell::Real(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            TEXT => {
                let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
                let at = self.pos;
                std::str::from_utf8(self.take(len)?).ok()?;
                Cell::Text { at, len }
            }
            _ => return None,
        };
        Some(cell)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes = self.blob.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }
}

// The module: eponymous only (no xCreate), read only, one plan (the argument given).

static MODULE: ffi::sqlite3_module = ffi::sqlite3_module {
    iVersion: 0,
    xCreate: None,
    xConnect: Some(connect),
    xBestIndex: Some(best_index),
    xDisconnect: Some(disconnect),
    xDestroy: None,
    xOpen: Some(open),
    xClose: Some(close),
    xFilter: Some(filter),
    xNext: Some(next),
    xEof: Some(eof),
    xColumn: Some(column),
    xRowid: Some(rowid),
    xUpdate: None,
    xBegin: None,
    xSync: None,
    xCommit: None,
    xRollback: None,
    xFindFunction: None,
    xRename: None,
    xSavepoint: None,
    xRelease: None,
    xRollbackTo: None,
    xShadowName: None,
    xIntegrity: None,
};

#[repr(C)]
struct Cursor {
    /// First, so SQLite's pointer to it is a pointer to the cursor.
    base: ffi::sqlite3_vtab_cursor,
    reader: Reader,
}

unsafe extern "C" fn connect(
    db: *mut ffi::sqlite3,
    _aux: *mut c_void,
    _argc: c_int,
    _argv: *const *const c_char,
    vtab: *mut *mut ffi::sqlite3_vtab,
    _err: *mut *mut c_char,
) -> c_int {
    let rc = ffi::sqlite3_declare_vtab(db, DECLARE.as_ptr());
    if rc != ffi::SQLITE_OK {
        return rc;
    }
    // SAFETY: a plain C struct of pointers and integers; SQLite fills it in.
    *vtab = Box::into_raw(Box::new(std::mem::zeroed::<ffi::sqlite3_vtab>()));
    ffi::SQLITE_OK
}

unsafe extern "C" fn disconnect(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    ffi::sqlite3_free((*vtab).zErrMsg.cast());
    drop(Box::from_raw(vtab));
    ffi::SQLITE_OK
}

/// The one usable plan: the argument given (`rows_of(?)`), rows in their order. As
/// `json_each` does: an unusable argument rejects the plan, a missing one costs so much
/// that SQLite never picks it, and `filter` then fails.
unsafe extern "C" fn best_index(
    _vtab: *mut ffi::sqlite3_vtab,
    info: *mut ffi::sqlite3_index_info,
) -> c_int {
    let info = &mut *info;
    let n = info.nConstraint.max(0) as usize;
    if n > 0 {
        let cons = std::slice::from_raw_parts(info.aConstraint, n);
        let usage = std::slice::from_raw_parts_mut(info.aConstraintUsage, n);
        let arg = cons.iter().position(|c| c.iColumn == ROWS);
        if let Some(i) = arg {
            let c = &cons[i];
            if c.usable == 0 || c.op as c_int != ffi::SQLITE_INDEX_CONSTRAINT_EQ {
                return ffi::SQLITE_CONSTRAINT;
            }
            usage[i].argvIndex = 1;
            usage[i].omit = 1;
            info.idxNum = 1;
            info.estimatedCost = 1.0;
        }
    }
    if info.nOrderBy > 0 {
        let first = &*info.aOrderBy;
        if first.iColumn < 0 && first.desc == 0 {
            info.orderByConsumed = 1;
        }
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn open(
    _vtab: *mut ffi::sqlite3_vtab,
    cursor: *mut *mut ffi::sqlite3_vtab_cursor,
) -> c_int {
    let c = Box::new(Cursor {
        // SAFETY: a C struct holding one pointer, which SQLite sets.
        base: std::mem::zeroed(),
        reader: Reader::default(),
    });
    *cursor = Box::into_raw(c).cast();
    ffi::SQLITE_OK
}

unsafe extern "C" fn close(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    drop(Box::from_raw(cursor.cast::<Cursor>()));
    ffi::SQLITE_OK
}

/// Sets the table's error message (SQLite reports and frees it).
unsafe fn fail(cursor: *mut ffi::sqlite3_vtab_cursor, msg: &CStr) -> c_int {
    let vtab = (*cursor).pVtab;
    ffi::sqlite3_free((*vtab).zErrMsg.cast());
    (*vtab).zErrMsg = ffi::sqlite3_mprintf(c"%s".as_ptr(), msg.as_ptr());
    ffi::SQLITE_ERROR
}

unsafe extern "C" fn filter(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    idx: c_int,
    _idx_str: *const c_char,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) -> c_int {
    if idx != 1 || argc < 1 {
        return fail(cursor, c"rows_of: needs its rows, rows_of(?)");
    }
    let arg = *argv;
    let blob: &[u8] = match ffi::sqlite3_value_type(arg) {
        ffi::SQLITE_NULL => &[],
        ffi::SQLITE_BLOB => {
            let len = ffi::sqlite3_value_bytes(arg).max(0) as usize;
            let ptr = ffi::sqlite3_value_blob(arg).cast::<u8>();
            if len == 0 || ptr.is_null() {
                &[]
            } else {
                // SAFETY: SQLite's BLOB of `len` bytes, valid until the value changes;
                // copied at once.
                std::slice::from_raw_parts(ptr, len)
            }
        }
        _ => return fail(cursor, c"rows_of: its rows are a BLOB"),
    };
    let c = &mut *cursor.cast::<Cursor>();
    match c.reader.start(blob) {
        Ok(()) => ffi::SQLITE_OK,
        Err(msg) => fail(cursor, msg),
    }
}

unsafe extern "C" fn next(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    let c = &mut *cursor.cast::<Cursor>();
    match c.reader.next() {
        Ok(()) => ffi::SQLITE_OK,
        Err(msg) => fail(cursor, msg),
    }
}

unsafe extern "C" fn eof(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    (*cursor.cast::<Cursor>()).reader.eof as c_int
}

unsafe extern "C" fn column(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    ctx: *mut ffi::sqlite3_context,
    i: c_int,
) -> c_int {
    let r = &(*cursor.cast::<Cursor>()).reader;
    match usize::try_from(i).ok().and_then(|i| r.row.get(i)) {
        None | Some(Cell::Null) => ffi::sqlite3_result_null(ctx),
        Some(Cell::Int(v)) => ffi::sqlite3_result_int64(ctx, *v),
        Some(Cell::Real(v)) => ffi::sqlite3_result_double(ctx, *v),
        Some(Cell::Text { at, len }) => ffi::sqlite3_result_text64(
            ctx,
            r.blob.as_ptr().add(*at).cast(),
            *len as u64,
            ffi::SQLITE_TRANSIENT(),
            ffi::SQLITE_UTF8 as u8,
        ),
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn rowid(cursor: *mut ffi::sqlite3_vtab_cursor, out: *mut i64) -> c_int {
    *out = (*cursor.cast::<Cursor>()).reader.rowid;
    ffi::SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(blob: &[u8]) -> Result<Vec<Vec<Cell>>, &'static CStr> {
        let mut r = Reader::default();
        r.start(blob)?;
        let mut rows = Vec::new();
        while !r.eof {
            rows.push(r.row.clone());
            r.next()?;
        }
        Ok(rows)
    }

    #[test]
    fn rows_come_back_as_packed() {
        let rows = vec![(1i64, Some("云栖 \"quoted\"\n"), None::<&str>, 2.5f64, true)];
        let blob = pack(&rows).unwrap();
        let got = read(&blob).unwrap();
        assert_eq!(got.len(), 1);
        let Cell::Text { at, len } = got[0][1] else {
            panic!("not text: {:?}", got[0][1]);
        };
        assert_eq!(&blob[at..at + len], "云栖 \"quoted\"\n".as_bytes());
        assert_eq!(got[0][0], Cell::Int(1));
        assert_eq!(got[0][2], Cell::Null);
        assert_eq!(got[0][3], Cell::Real(2.5));
        assert_eq!(got[0][4], Cell::Int(1));
        assert_eq!(
            read(&pack(&Vec::<(i64,)>::new()).unwrap()).unwrap().len(),
            0
        );
    }

    #[test]
    fn what_is_not_rows_of_values_is_refused() {
        assert!(pack(&vec![(1i64, 2i64), (3, 4)]).is_ok());
        // A list as a row, a bare row, a list in a row, a map, too many columns, a bare value.
        assert!(pack(&vec![vec![1i64]]).is_err());
        assert!(pack(&(1i64, 2i64)).is_err());
        assert!(pack(&vec![(1i64, vec![2i64])]).is_err());
        let map: std::collections::BTreeMap<i64, i64> = [(1, 2)].into();
        assert!(pack(&vec![(map,)]).is_err());
        assert!(pack(&vec![[0i64; COLS + 1]]).is_err());
        assert!(pack(&vec![[0i64; COLS]]).is_ok());
        assert!(pack(&u64::MAX).is_err());
    }

    /// A row that says it has `said` values and writes `wrote`.
    struct Row {
        said: usize,
        wrote: usize,
    }

    impl Serialize for Row {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeTuple;
            let mut t = s.serialize_tuple(self.said)?;
            for i in 0..self.wrote {
                t.serialize_element(&(i as i64))?;
            }
            t.end()
        }
    }

    #[test]
    fn every_row_has_the_first_rows_width() {
        let row = |said, wrote| Row { said, wrote };
        assert!(pack(&vec![row(2, 2), row(2, 2)]).is_ok());
        // Another width said, or fewer or more values written than said: each would shift
        // every value after it.
        assert!(pack(&vec![row(2, 2), row(3, 3)]).is_err());
        assert!(pack(&vec![row(2, 2), row(2, 1)]).is_err());
        assert!(pack(&vec![row(2, 3)]).is_err());
    }

    #[test]
    fn a_malformed_blob_is_an_error_not_a_read_past_it() {
        let good = pack(&vec![(7i64, "abc")]).unwrap();
        // Cut anywhere inside the row (at 1, only the header: no rows, which is right).
        for cut in 2..good.len() {
            assert!(read(&good[..cut]).is_err(), "cut at {cut} read");
        }
        let mut bad_tag = good.clone();
        bad_tag[1] = 9;
        assert!(read(&bad_tag).is_err());
        let mut long_text = good.clone();
        long_text[11] = 0xff; // the text's length
        assert!(read(&long_text).is_err());
        let mut bad_utf8 = good.clone();
        let last = bad_utf8.len() - 1;
        bad_utf8[last] = 0xff;
        assert!(read(&bad_utf8).is_err());
        assert!(read(&[COLS as u8 + 1]).is_err());
        assert!(read(&[0, NULL]).is_err());
    }

    async fn connection() -> sqlx::SqliteConnection {
        use sqlx::Connection;
        register();
        sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_reads_the_rows_with_their_types_in_order() {
        let mut c = connection().await;
        let rows = vec![
            (1i64, Some("王\"小明\" \\ 🚀"), None::<i64>),
            (2, None, Some(-7)),
            (3, Some(""), Some(i64::MAX)),
        ];
        type Row = (i64, String, Option<String>, Option<i64>, String);
        let got: Vec<Row> = sqlx::query_as(
            "SELECT rowid, typeof(c1), c1, c2, typeof(c0) || typeof(c2) FROM rows_of(?)",
        )
        .bind(pack(&rows).unwrap())
        .fetch_all(&mut c)
        .await
        .unwrap();
        let want = vec![
            (
                1,
                "text".into(),
                Some("王\"小明\" \\ 🚀".into()),
                None,
                "integernull".into(),
            ),
            (2, "null".into(), None, Some(-7), "integerinteger".into()),
            (
                3,
                "text".into(),
                Some(String::new()),
                Some(i64::MAX),
                "integerinteger".into(),
            ),
        ];
        assert_eq!(got, want);
        // Columns past the row's are NULL; NULL for the rows is no rows.
        let (past,): (Option<i64>,) = sqlx::query_as("SELECT c5 FROM rows_of(?)")
            .bind(pack(&vec![(1i64,)]).unwrap())
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(past, None);
        let none: Vec<(i64,)> = sqlx::query_as("SELECT c0 FROM rows_of(?)")
            .bind(None::<Vec<u8>>)
            .fetch_all(&mut c)
            .await
            .unwrap();
        assert!(none.is_empty());
    }

    #[tokio::test]
    async fn a_bad_argument_fails_the_statement_and_inserts_nothing() {
        let mut c = connection().await;
        sqlx::query("CREATE TABLE t (a INTEGER, b TEXT)")
            .execute(&mut c)
            .await
            .unwrap();
        let mut cut = pack(&vec![(1i64, "one"), (2, "two")]).unwrap();
        cut.pop();
        for (arg, says) in [
            (
                sqlx::query("INSERT INTO t SELECT c0, c1 FROM rows_of(?)").bind(cut),
                "malformed",
            ),
            (
                sqlx::query("INSERT INTO t SELECT c0, c1 FROM rows_of(?)").bind("[[1, \"one\"]]"),
                "BLOB",
            ),
            (
                sqlx::query("INSERT INTO t SELECT c0, c1 FROM rows_of"),
                "needs its rows",
            ),
        ] {
            let e = arg.execute(&mut c).await.unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM t")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(n, 0);
        // Eponymous only: SQLite finds no constructor to create a table with.
        let e = sqlx::query("CREATE VIRTUAL TABLE v USING rows_of")
            .execute(&mut c)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("no such module: rows_of"), "{e}");
    }

    #[tokio::test]
    async fn the_prefetch_looks_pairs_up_by_primary_key() {
        let mut c = connection().await;
        sqlx::query(
            "CREATE TABLE accounts (platform TEXT, user_id TEXT, m INTEGER,
             PRIMARY KEY (platform, user_id)) WITHOUT ROWID",
        )
        .execute(&mut c)
        .await
        .unwrap();
        let sql = format!(
            "SELECT m FROM accounts WHERE (platform, user_id) IN ({})",
            crate::sqlite::PAIRS
        );
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .bind(pack(&vec![("slack", "U1")]).unwrap())
                .fetch_all(&mut c)
                .await
                .unwrap();
        let plan: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            plan.iter()
                .any(|d| d.contains("SEARCH accounts USING PRIMARY KEY")),
            "{plan:?}"
        );
    }
}
