//! WeCom's XML: a small element tree (enough for `<xml>` callbacks), the encrypted
//! envelope in both directions, and passive-reply plaintexts. DTDs are refused and no
//! entity other than XML's five and character references is ever expanded.

use super::crypto::Sealed;
use quick_xml::events::Event;
use quick_xml::Reader;
use thiserror::Error;

/// Deeper than any WeCom payload; bounds the work a hostile body can cause.
const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmlError {
    #[error("malformed XML: {0}")]
    Malformed(String),
    #[error("DOCTYPE is not accepted")]
    Doctype,
    #[error("missing element <{0}>")]
    Missing(&'static str),
    #[error("bad value in <{0}>")]
    BadValue(&'static str),
}

/// One element: its text (CDATA or escaped text, concatenated) and child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of a child, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub fn require(&self, name: &'static str) -> Result<String, XmlError> {
        self.get(name).ok_or(XmlError::Missing(name))
    }

    pub fn get_i64(&self, name: &'static str) -> Result<Option<i64>, XmlError> {
        self.get(name)
            .map(|s| s.parse().map_err(|_| XmlError::BadValue(name)))
            .transpose()
    }

    /// Texts of `<outer><inner>…</inner>…</outer>`.
    pub fn list(&self, outer: &str, inner: &str) -> Vec<String> {
        self.child(outer)
            .map(|o| {
                o.children
                    .iter()
                    .filter(|c| c.name == inner)
                    .map(|c| c.text.trim().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Parses a whole document into its root element.
pub fn parse(doc: &str) -> Result<Element, XmlError> {
    let bad = |e: &dyn std::fmt::Display| XmlError::Malformed(e.to_string());
    let mut reader = Reader::from_str(doc);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let ev = reader.read_event().map_err(|e| bad(&e))?;
        match ev {
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                return Err(bad(&format!("content after the root element: <{}>", &*s)));
            }
            Event::Start(s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(&"nested too deep"));
                }
                let name = s.local_name().as_ref().to_string();
                stack.push(Element {
                    name,
                    ..Element::default()
                });
            }
            Event::Empty(s) => {
                let name = s.local_name().as_ref().to_string();
                let el = Element {
                    name,
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| bad(&"unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => match stack.last_mut() {
                Some(el) => el.text.push_str(&t.xml10_content()),
                None if t.trim().is_empty() => {}
                None => return Err(bad(&"text outside the root element")),
            },
            Event::CData(t) => match stack.last_mut() {
                Some(el) => el.text.push_str(&t.xml10_content()),
                None => return Err(bad(&"CDATA outside the root element")),
            },
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c,
                    None => entity(&r).ok_or_else(|| bad(&format!("unknown entity &{};", &*r)))?,
                };
                match stack.last_mut() {
                    Some(el) => el.text.push(c),
                    None => return Err(bad(&"reference outside the root element")),
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(bad(&"unclosed element"));
    }
    root.ok_or_else(|| bad(&"no root element"))
}

/// The POSTed callback envelope (§3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub to_user_name: Option<String>,
    pub encrypt: String,
    pub agent_id: Option<String>,
}

pub fn parse_envelope(doc: &str) -> Result<Envelope, XmlError> {
    let root = parse(doc)?;
    Ok(Envelope {
        to_user_name: root.get("ToUserName"),
        encrypt: root.require("Encrypt")?,
        agent_id: root.get("AgentID"),
    })
}

/// Wraps text in CDATA; a `]]>` inside is split across two sections.
pub fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// The encrypted passive reply, byte for byte the layout of the spec's vectors (§3.4).
pub fn reply_envelope(s: &Sealed) -> String {
    format!(
        "<xml>\n<Encrypt>{}</Encrypt>\n<MsgSignature>{}</MsgSignature>\n<TimeStamp>{}</TimeStamp>\n<Nonce>{}</Nonce>\n</xml>",
        cdata(&s.encrypt),
        cdata(&s.signature),
        s.timestamp.replace(|c: char| !c.is_ascii_digit(), ""),
        cdata(&s.nonce),
    )
}

/// A passive text reply plaintext (§3.6): `to` is the member, `from` the CorpID.
pub fn text_reply(to: &str, from: &str, create_time: i64, content: &str) -> String {
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>{}</Content></xml>",
        cdata(to),
        cdata(from),
        cdata(content),
    )
}

/// A passive reply that relabels the clicked card button for the clicking user (§3.6).
pub fn update_button_reply(to: &str, from: &str, create_time: i64, replace_name: &str) -> String {
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName>{}</ReplaceName></Button></xml>",
        cdata(to),
        cdata(from),
        cdata(replace_name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_gives_encrypt_to_user_and_agent_id() {
        let e = parse_envelope(
            "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>",
        )
        .unwrap();
        assert_eq!(e.encrypt, "abc+/=");
        assert_eq!(e.to_user_name.as_deref(), Some("wx5823bf96d3bd56c7"));
        assert_eq!(e.agent_id.as_deref(), Some("218"));
    }

    #[test]
    fn text_with_or_without_cdata_and_escapes_reads_the_same() {
        for doc in [
            "<xml><Content><![CDATA[a & <b>]]></Content></xml>",
            "<xml><Content>a &amp; &lt;b&gt;</Content></xml>",
            "<?xml version=\"1.0\"?><xml><!-- c --><Content>a &#38; &#x3c;b></Content></xml>",
        ] {
            assert_eq!(
                parse(doc).unwrap().get("Content").as_deref(),
                Some("a & <b>"),
                "{doc}"
            );
        }
    }

    #[test]
    fn malformed_documents_are_errors_never_panics() {
        let cases = [
            "",
            "not xml",
            "<xml>",
            "<xml><a></b></xml>",
            "</xml>",
            "<xml></xml><xml></xml>",
            "<xml>&unknown;</xml>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml>&e;</xml>",
            "<xml><Encrypt>",
            &"<a>".repeat(100),
        ];
        for doc in cases {
            assert!(parse(doc).is_err(), "{doc:?}");
        }
        assert_eq!(
            parse_envelope("<xml><ToUserName>x</ToUserName></xml>"),
            Err(XmlError::Missing("Encrypt"))
        );
        assert_eq!(
            parse("<!DOCTYPE xml><xml/>").err(),
            Some(XmlError::Doctype),
            "DTDs are refused outright"
        );
    }

    #[test]
    fn cdata_survives_a_closing_sequence_inside_the_text() {
        let doc = format!("<xml><Content>{}</Content></xml>", cdata("x]]>y"));
        assert_eq!(
            parse(&doc).unwrap().get("Content").as_deref(),
            Some("x]]>y")
        );
    }

    #[test]
    fn replies_parse_back_to_their_fields() {
        let t = parse(&text_reply("zhangsan", "ww1", 7, "你好 <hi>")).unwrap();
        assert_eq!(t.get("ToUserName").as_deref(), Some("zhangsan"));
        assert_eq!(t.get("FromUserName").as_deref(), Some("ww1"));
        assert_eq!(t.get("Content").as_deref(), Some("你好 <hi>"));
        let b = parse(&update_button_reply("lisi", "ww1", 7, "已同意")).unwrap();
        assert_eq!(b.get("MsgType").as_deref(), Some("update_button"));
        assert_eq!(
            b.child("Button")
                .and_then(|x| x.get("ReplaceName"))
                .as_deref(),
            Some("已同意")
        );
    }
}
