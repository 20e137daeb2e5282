//! Parser, compiler and evaluator tests on hand-built packets. Expected results follow Wireshark
//! 4.0's documented semantics (checked against tshark 4.0 on the corpus where noted).

use std::sync::Arc;

use super::lexer::{lex, CmpOp, Tok};
use super::parser::{parse, Ast, SliceEnd, SliceRange};
use super::Filter;
use crate::tree::{hf, Base, FieldDef, FieldType, Group, Packet, Severity, Span, TreeBuilder, Value};

static P: FieldDef = FieldDef::proto("t", "Test");
static Q: FieldDef = FieldDef::proto("q", "Other");
static PORT: FieldDef = FieldDef::new("t.port", "Port", FieldType::U16, Base::Dec);
static FLAG: FieldDef = FieldDef::new("t.flag", "Flag", FieldType::Bool, Base::None);
static OFF: FieldDef = FieldDef::new("t.off", "Off", FieldType::Bool, Base::None);
static NAME: FieldDef = FieldDef::new("t.name", "Name", FieldType::String, Base::None);
static DATA: FieldDef = FieldDef::new("t.data", "Data", FieldType::Bytes, Base::None);
static SRC: FieldDef = FieldDef::new("t.src", "Source", FieldType::Ipv4, Base::None);
static V6: FieldDef = FieldDef::new("t.v6", "V6", FieldType::Ipv6, Base::None);
static MAC: FieldDef = FieldDef::new("t.mac", "MAC", FieldType::Ether, Base::None);
static TIME: FieldDef = FieldDef::new("t.time", "Time", FieldType::RelTime, Base::None);
static EPOCH: FieldDef = FieldDef::new("t.epoch", "Epoch", FieldType::AbsTime, Base::None);
static RATIO: FieldDef = FieldDef::new("t.ratio", "Ratio", FieldType::Double, Base::None);
static TYPE: FieldDef =
    FieldDef::new("t.type", "Type", FieldType::U8, Base::Dec).strings(&[(1, "Request"), (2, "Reply")]);
static NEG: FieldDef = FieldDef::new("t.neg", "Neg", FieldType::I32, Base::Dec);
static DST: FieldDef = FieldDef::new("t.dst", "Dest", FieldType::U16, Base::Dec);
static LABEL: FieldDef = FieldDef::new("t.label", "Label", FieldType::None, Base::None);
static ABSENT: FieldDef = FieldDef::new("t.absent", "Absent", FieldType::U16, Base::Dec);

fn glossary() -> Vec<&'static FieldDef> {
    let mut g: Vec<&'static FieldDef> = vec![
        &P, &Q, &PORT, &FLAG, &OFF, &NAME, &DATA, &SRC, &V6, &MAC, &TIME, &EPOCH, &RATIO, &TYPE, &NEG, &DST, &LABEL,
        &ABSENT,
    ];
    g.extend(hf::ALL.iter().copied());
    g
}

/// Frame bytes: "GET /index.html" and a NUL; the `t` layer covers them all.
fn packet() -> Packet {
    let frame: &[u8] = b"GET /index.html\0";
    let mut tb = TreeBuilder::new();
    tb.open_proto(&P, Span::new(0, 0, frame.len()), None);
    tb.add_uint(&PORT, Span::new(0, 0, 2), 80);
    tb.add_hidden(&PORT, Span::new(0, 2, 4), Value::UInt(443));
    tb.add(&DST, Span::EMPTY, Value::UInt(443));
    tb.add(&FLAG, Span::EMPTY, Value::Bool(true));
    tb.add(&OFF, Span::EMPTY, Value::Bool(false));
    tb.add(&NAME, Span::EMPTY, Value::Str("Hello World".into()));
    tb.add(&DATA, Span::new(0, 0, 4), Value::Bytes(b"GET ".to_vec()));
    tb.add(&SRC, Span::EMPTY, Value::Ipv4([10, 1, 2, 3]));
    tb.add(&SRC, Span::EMPTY, Value::Ipv4([192, 168, 0, 9]));
    tb.add(&V6, Span::EMPTY, Value::Ipv6("2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap().octets()));
    tb.add(&MAC, Span::EMPTY, Value::Ether([2, 0, 0, 0, 0, 1]));
    tb.add(&TIME, Span::EMPTY, Value::Time { secs: 0, nanos: 150_000_000 });
    tb.add(&EPOCH, Span::EMPTY, Value::Time { secs: 1_600_000_000, nanos: 0 });
    tb.add(&RATIO, Span::EMPTY, Value::Double(1.5));
    tb.open(&TYPE, Span::EMPTY, Value::UInt(2));
    tb.add(&NEG, Span::EMPTY, Value::Int(-5));
    tb.add(&LABEL, Span::EMPTY, Value::None);
    tb.close();
    tb.expert(Severity::Warning, Group::Sequence, "Previous segment not captured", Span::EMPTY);
    tb.close_to(0);
    tb.finish(1, (0, 0), (0, 0), frame.len() as u32, Arc::from(frame))
}

fn compile(f: &str) -> Result<Filter, String> {
    Filter::compile_with(f, &glossary()).map_err(|e| e.to_string())
}

fn eval(f: &str) -> bool {
    match compile(f) {
        Ok(c) => c.matches(&packet()),
        Err(e) => panic!("{f}: {e}"),
    }
}

fn err(f: &str) -> String {
    match compile(f) {
        Ok(_) => panic!("{f} compiled"),
        Err(e) => e,
    }
}

#[test]
fn lexes_every_operator_and_keyword() {
    let toks: Vec<Tok> = lex("== != === ~= < <= > >= eq ne all_eq any_ne any_eq all_ne lt le gt ge contains matches ~")
        .unwrap()
        .into_iter()
        .map(|t| t.tok)
        .collect();
    use CmpOp::*;
    let want = [
        AnyEq, AllNe, AllEq, AnyNe, Lt, Le, Gt, Ge, AnyEq, AllNe, AllEq, AnyNe, AnyEq, AllNe, Lt, Le, Gt, Ge, Contains,
        Matches, Matches,
    ];
    assert_eq!(toks, want.iter().map(|o| Tok::Cmp(*o)).collect::<Vec<_>>());
    let toks: Vec<Tok> =
        lex("&& and || or ! not in ( ) { } [ ] , .. 'a' \"x\\ty\"").unwrap().into_iter().map(|t| t.tok).collect();
    assert_eq!(
        toks,
        vec![
            Tok::And,
            Tok::And,
            Tok::Or,
            Tok::Or,
            Tok::Not,
            Tok::Not,
            Tok::In,
            Tok::LParen,
            Tok::RParen,
            Tok::LBrace,
            Tok::RBrace,
            Tok::LBracket,
            Tok::RBracket,
            Tok::Comma,
            Tok::DotDot,
            Tok::Char(b'a'),
            Tok::Str(b"x\ty".to_vec())
        ]
    );
    // Words stop before "..", not at a single dot or colon.
    let toks: Vec<Tok> = lex("{1..3} fe80::1 10.0.0.0/8").unwrap().into_iter().map(|t| t.tok).collect();
    assert_eq!(
        toks,
        vec![
            Tok::LBrace,
            Tok::Word("1".into()),
            Tok::DotDot,
            Tok::Word("3".into()),
            Tok::RBrace,
            Tok::Word("fe80::1".into()),
            Tok::Word("10.0.0.0/8".into())
        ]
    );
}

#[test]
fn string_escapes() {
    let s = |t: &str| match &lex(t).unwrap()[0].tok {
        Tok::Str(b) => b.clone(),
        o => panic!("{o:?}"),
    };
    assert_eq!(s(r#""a\"b\\c""#), b"a\"b\\c");
    assert_eq!(s(r#""\x41\x4a\101\0\n\r\t""#), b"AJA\0\n\r\t");
    assert_eq!(s("\"é\""), "é".as_bytes());
}

#[test]
fn and_binds_tighter_than_or_and_not_tighter_than_both() {
    let w = |s: &str| super::parser::Operand { atom: super::parser::Atom::Word(s.into()), at: 0, slice: None };
    let ast = |t: &str| {
        let mut a = parse(t, lex(t).unwrap()).unwrap();
        fn zero(a: &mut Ast) {
            match a {
                Ast::Or(l, r) | Ast::And(l, r) => {
                    zero(l);
                    zero(r)
                }
                Ast::Not(e) => zero(e),
                Ast::Exists(o) => o.at = 0,
                _ => {}
            }
        }
        zero(&mut a);
        a
    };
    let e = |s: &str| Box::new(Ast::Exists(w(s)));
    assert_eq!(ast("a || b && c"), Ast::Or(e("a"), Box::new(Ast::And(e("b"), e("c")))));
    assert_eq!(ast("a && b || c"), Ast::Or(Box::new(Ast::And(e("a"), e("b"))), e("c")));
    assert_eq!(ast("(a || b) && c"), Ast::And(Box::new(Ast::Or(e("a"), e("b"))), e("c")));
    assert_eq!(ast("!a && b"), Ast::And(Box::new(Ast::Not(e("a"))), e("b")));
    assert_eq!(ast("not not a"), Ast::Not(Box::new(Ast::Not(e("a")))));
    assert_eq!(ast("a or b or c"), Ast::Or(Box::new(Ast::Or(e("a"), e("b"))), e("c")));
}

#[test]
fn slice_ranges() {
    let r = |t: &str| match parse(t, lex(t).unwrap()).unwrap() {
        Ast::Exists(o) => o.slice.unwrap().ranges,
        a => panic!("{a:?}"),
    };
    let sr = |start, end| SliceRange { start, end };
    assert_eq!(r("x[0:4]"), vec![sr(0, SliceEnd::Len(4))]);
    assert_eq!(r("x[1-3]"), vec![sr(1, SliceEnd::Through(3))]);
    assert_eq!(r("x[2]"), vec![sr(2, SliceEnd::Len(1))]);
    assert_eq!(r("x[:2]"), vec![sr(0, SliceEnd::Len(2))]);
    assert_eq!(r("x[3:]"), vec![sr(3, SliceEnd::ToEnd)]);
    assert_eq!(r("x[-2:]"), vec![sr(-2, SliceEnd::ToEnd)]);
    assert_eq!(r("x[-3--1]"), vec![sr(-3, SliceEnd::Through(-1))]);
    assert_eq!(r("x[0:1,4-5]"), vec![sr(0, SliceEnd::Len(1)), sr(4, SliceEnd::Through(5))]);
    assert_eq!(sr(1, SliceEnd::Len(3)).resolve(4), Some(1..4));
    assert_eq!(sr(1, SliceEnd::Len(4)).resolve(4), None);
    assert_eq!(sr(-1, SliceEnd::ToEnd).resolve(4), Some(3..4));
    assert_eq!(sr(-5, SliceEnd::ToEnd).resolve(4), None);
    assert_eq!(sr(1, SliceEnd::Through(2)).resolve(4), Some(1..3));
    assert_eq!(sr(i64::MIN, SliceEnd::Len(u64::MAX)).resolve(4), None);
}

#[test]
fn presence_of_fields_and_protocols() {
    assert!(eval("t"));
    assert!(!eval("q"));
    assert!(eval("t && !q"));
    assert!(eval("t.port"));
    assert!(!eval("t.absent"));
    // A boolean is present whatever its value.
    assert!(eval("t.off"));
    assert!(eval("t.label"));
    assert!(eval("_ws.expert"));
    assert!(!eval("_ws.malformed"));
    assert!(eval("t.data[0:4]"));
    assert!(!eval("t.data[0:5]"));
}

#[test]
fn integer_comparisons() {
    assert!(eval("t.port == 80"));
    assert!(eval("t.port eq 443"));
    assert!(eval("t.port any_eq 0x50"));
    assert!(eval("t.port == 0120"));
    assert!(eval("t.port == 0b1010000"));
    assert!(!eval("t.port == 81"));
    assert!(eval("t.port > 100"));
    assert!(eval("t.port gt 100"));
    assert!(eval("t.port >= 443"));
    assert!(!eval("t.port > 443"));
    assert!(eval("t.port < 81"));
    assert!(eval("t.port lt 81"));
    assert!(eval("t.port <= 80 && t.port le 80"));
    assert!(!eval("t.port < 80"));
    assert!(eval("t.neg == -5 && t.neg < 0"));
    assert!(eval("t.port == 'P'"));
    assert!(eval("80 == t.port"));
    assert!(eval("100 < t.port"));
    assert!(!eval("1000 < t.port"));
}

#[test]
fn repeated_fields_follow_wireshark_4_0() {
    // t.port is 80 and 443.
    assert!(!eval("t.port != 80"), "!= is all-not-equal");
    assert!(!eval("t.port ne 443"));
    assert!(eval("t.port != 22"));
    assert!(eval("t.port ~= 80"), "~= is any-not-equal");
    assert!(eval("t.port any_ne 80"));
    assert!(!eval("t.port === 80"), "=== is all-equal");
    assert!(eval("t.port all_eq 80 || t.dst === 443"));
    assert_ne!(eval("!(t.port == 80)"), eval("t.port == 80"));
    // An absent field is neither equal nor not equal.
    assert!(!eval("t.absent == 1"));
    assert!(!eval("t.absent != 1"));
    assert!(!eval("t.absent ~= 1"));
    assert!(eval("!(t.absent == 1)"));
    // Field against field: any pair.
    assert!(eval("t.port == t.dst"));
    assert!(eval("t.port < t.dst"));
    assert!(!eval("t.port != t.dst"));
    assert!(eval("t.port ~= t.dst"));
    assert!(!eval("t.port == t.absent"));
}

#[test]
fn sets_and_ranges() {
    assert!(eval("t.port in {22, 80}"));
    assert!(eval("t.port in {22 80}"));
    assert!(eval("t.port in {400..500}"));
    assert!(!eval("t.port in {1..79, 81..442}"));
    assert!(eval("t.type in {Request, Reply}"));
    assert!(eval("t.src in {10.0.0.0/8}"));
    assert!(eval("t.src in {192.168.0.1..192.168.0.10}"));
    assert!(eval("t.name in {\"Hello World\"}"));
    assert!(eval("t.time in {0.1..0.2}"));
    assert!(!eval("t.absent in {1}"));
    assert!(eval("!(t.absent in {1})"));
}

#[test]
fn booleans() {
    assert!(eval("t.flag == 1"));
    assert!(eval("t.flag == true"));
    assert!(eval("t.flag == True"));
    assert!(!eval("t.flag == 0"));
    assert!(eval("t.off == 0 && t.off == false"));
    assert!(eval("t.flag"));
}

#[test]
fn strings() {
    assert!(eval("t.name == \"Hello World\""));
    assert!(!eval("t.name == \"hello world\""));
    assert!(eval("t.name contains \"lo W\""));
    assert!(!eval("t.name contains \"lo w\""), "contains is case-sensitive");
    assert!(eval("t.name matches \"^hello\""), "matches ignores case, as in Wireshark");
    assert!(eval("t.name ~ \"w.rld$\""));
    assert!(!eval("t.name matches \"^world\""));
    assert!(eval("t.name > \"Hello\" && t.name < \"Z\""));
    assert!(eval("t.name contains Hello"));
    assert!(eval("t.name[0:5] == \"Hello\""));
    assert!(eval("t.name[-5:] == 57:6f:72:6c:64"));
}

#[test]
fn bytes_and_slices() {
    assert!(eval("t.data == 47:45:54:20"));
    assert!(eval("t.data == 47-45-54-20"));
    assert!(eval("t.data == 4745.5420"));
    assert!(eval("t.data == 47455420"));
    assert!(eval("t.data contains 45:54"));
    assert!(eval("t.data contains \"ET\""));
    assert!(eval("t.data matches \"^get\""));
    assert!(eval("t.data[0:2] == 47:45"));
    assert!(eval("t.data[1-2] == 45:54"));
    assert!(eval("t.data[:1] == 47"));
    assert!(eval("t.data[2:] == 54:20"));
    assert!(eval("t.data[-1] == 20"));
    assert!(eval("t.data[0:1,3] == 47:20"));
    assert!(!eval("t.data[3:2] == 20"), "a range past the end has no value");
    assert!(eval("t.data > 47:45 && t.data < 48"));
    // A protocol compares and slices as the bytes it covers.
    assert!(eval("t[0:4] == \"GET \""));
    assert!(eval("t contains \"index\""));
    assert!(eval("t matches \"INDEX\\\\.HTML\""));
    assert!(eval("t[-1] == 00"));
    assert!(eval("t.mac == 02:00:00:00:00:01"));
    assert!(eval("t.mac[0] == 02"));
    assert!(eval("t.mac contains 00:01"));
    assert!(eval("t.src[0] == 0a"));
    assert!(eval("t.v6[0:2] == 20:01"));
}

#[test]
fn addresses() {
    assert!(eval("t.src == 10.1.2.3"));
    assert!(eval("t.src == 10.0.0.0/8"));
    assert!(eval("t.src == 192.168.0.0/16"));
    assert!(!eval("t.src == 172.16.0.0/12"));
    assert!(!eval("t.src != 10.0.0.0/8"), "one of the two is in 10/8");
    assert!(eval("t.src != 172.16.0.0/12"));
    assert!(eval("t.src > 10.1.2.2"));
    assert!(eval("t.src == 0.0.0.0/0"));
    assert!(eval("t.v6 == 2001:db8::1"));
    assert!(eval("t.v6 == 2001:db8::/32"));
    assert!(!eval("t.v6 == 2001:db9::/32"));
}

#[test]
fn times_and_doubles() {
    assert!(eval("t.time > 0.1"));
    assert!(eval("t.time == 0.15"));
    assert!(eval("t.time == 0.150000000"));
    assert!(!eval("t.time > 0.15"));
    assert!(eval("t.time < 1"));
    assert!(eval("t.epoch >= 1600000000 && t.epoch < 1600000000.5"));
    assert!(eval("t.ratio > 1.25 && t.ratio < 2 && t.ratio == 1.5"));
}

#[test]
fn value_strings_and_expert_fields() {
    assert!(eval("t.type == Reply"));
    assert!(eval("t.type == \"Reply\""));
    assert!(eval("t.type == reply"), "value names ignore case");
    assert!(eval("t.type > Request"));
    assert!(eval("t.type == 2"));
    assert!(eval("_ws.expert.severity == warning"));
    assert!(eval("_ws.expert.severity >= note"));
    assert!(!eval("_ws.expert.severity >= error"));
    assert!(eval("_ws.expert.severity == 0x00600000"));
    assert!(eval("_ws.expert.severity == \"Warning\""));
    assert!(eval("_ws.expert.group == Sequence"));
    assert!(eval("_ws.expert.message contains \"segment\""));
    assert!(eval("_ws.expert.message matches \"^previous\""));
}

#[test]
fn logic() {
    assert!(eval("t.port == 80 && t.dst == 443"));
    assert!(eval("t.port == 80 and t.dst == 443"));
    assert!(!eval("t.port == 81 && t.dst == 443"));
    assert!(eval("t.port == 81 || t.dst == 443"));
    assert!(eval("t.port == 81 or t.dst == 443"));
    assert!(eval("!t.absent"));
    assert!(eval("not t.absent"));
    assert!(!eval("!t.port == 80"), "! applies to the whole comparison");
    assert!(eval("t.port == 81 || t.dst == 443 && t"));
    assert!(!eval("(t.port == 80 || q) && t.absent"));
    assert!(eval("((((t))))"));
}

/// Every compile error: one line with the column. Each message was read against the filter.
#[test]
fn error_messages() {
    let cases = [
        ("", "column 1: empty filter"),
        ("   ", "column 1: empty filter"),
        ("t.port ==", "column 10: unexpected end of filter"),
        ("t.port == 80 and", "column 17: unexpected end of filter"),
        ("t.port == 80 80", "column 14: \"80\" was unexpected here"),
        ("== 80", "column 1: \"==\" was unexpected here: expected a field"),
        ("t.port == == 80", "column 11: \"==\" was unexpected here: expected a value or a field"),
        ("(t.port == 80", "column 1: \"(\" is never closed"),
        ("(t.port == 80 t)", "column 15: \"t\" was unexpected here: expected \")\""),
        ("t.port)", "column 7: \")\" was unexpected here"),
        ("t.port == \"80", "column 11: string has no closing quote"),
        ("t.name == \"a\\qb\"", "column 13: unknown escape \\q"),
        ("t.name == \"a\\\nb\"", "column 13: unknown escape \\\\n"),
        ("t.name == \"\\x\"", "column 12: \\x must be followed by one or two hex digits"),
        ("t.name == \"\\777\"", "column 12: octal escape greater than \\377"),
        ("t.port == 'ab'", "column 11: character constant has no closing quote"),
        ("t.port == ''", "column 11: character constant must hold one ASCII character"),
        ("t.port # 80", "column 8: unexpected character '#'"),
        ("t.port in 80", "column 11: \"80\" was unexpected here: expected \"{\""),
        ("t.port in {80", "column 11: \"{\" is never closed"),
        ("t.port in {}", "column 12: \"}\" was unexpected here: expected a value"),
        ("t.data[0:x]", "column 8: \"0:x\" is not a byte range (i:n, i-j, i, :n or i:)"),
        ("t.data[0:-1]", "column 8: \"0:-1\" is not a byte range (i:n, i-j, i, :n or i:)"),
        ("t.data[0:1", "column 11: unexpected end of filter"),
        ("t.data[0:1 == 47", "column 12: \"==\" was unexpected here: expected \",\" or \"]\""),
        ("t.data[]", "column 8: \"]\" was unexpected here: expected a byte range such as 0:4"),
        ("foo.bar", "column 1: \"foo.bar\" is neither a field nor a protocol name"),
        ("t.port == 80 || foo", "column 17: \"foo\" is neither a field nor a protocol name"),
        ("\"x\" == \"y\"", "column 1: a value was unexpected here: expected a field"),
        ("80 == 80", "column 1: \"80\" is neither a field nor a protocol name"),
        ("t.port == t.prot", "column 11: \"t.prot\" is neither a field nor a protocol name"),
        (
            "t.port == \"80\"",
            "column 11: \"80\" cannot be converted to an unsigned integer (2 bytes) (t.port)",
        ),
        ("t.port == 1.5", "column 11: \"1.5\" cannot be converted to an unsigned integer (2 bytes) (t.port)"),
        ("t.port == 70000", "column 11: \"70000\" is out of range for an unsigned integer (2 bytes) (t.port)"),
        ("t.port == -1", "column 11: \"-1\" is out of range for an unsigned integer (2 bytes) (t.port)"),
        ("t.port == 09", "column 11: \"09\" cannot be converted to an unsigned integer (2 bytes) (t.port)"),
        (
            "t.type == \"Response\"",
            "column 11: \"Response\" cannot be converted to an unsigned integer (1 byte) (t.type): not one of its value names",
        ),
        ("t.port contains 1", "column 8: \"t.port\" is an unsigned integer (2 bytes) and cannot be used with \"contains\""),
        ("t.port matches \"1\"", "column 8: \"t.port\" is an unsigned integer (2 bytes) and cannot be used with \"matches\""),
        ("t.src contains 10", "column 7: \"t.src\" is an IPv4 address and cannot be used with \"contains\""),
        ("t.mac matches \"x\"", "column 7: \"t.mac\" is an Ethernet address and cannot be used with \"matches\""),
        ("t.label == 1", "column 9: \"t.label\" has no value: it can only be tested for presence"),
        ("t.port[0] == 00", "column 1: \"t.port\" is an unsigned integer (2 bytes) and cannot be sliced"),
        ("t.time[0:1]", "column 1: \"t.time\" is a time offset and cannot be sliced"),
        ("t.port == 80[0]", "column 11: only fields can be sliced"),
        ("\"x\" contains t.name", "column 1: the left side of \"contains\" must be a field"),
        ("t.name matches \"(\"", "column 16: invalid regular expression: unclosed group"),
        ("t.name matches t.name", "column 16: \"matches\" needs a quoted regular expression"),
        (
            "t.port == t.name",
            "column 11: \"t.port\" is an unsigned integer (2 bytes) and \"t.name\" is a character string: they cannot be compared",
        ),
        ("t.port in {t.dst}", "column 12: \"t.dst\" is a field: set elements must be values"),
        ("t.src == 10.0.0.0/33", "column 10: \"10.0.0.0/33\" cannot be converted to an IPv4 address (t.src)"),
        ("t.src == 10.0.0", "column 10: \"10.0.0\" cannot be converted to an IPv4 address (t.src)"),
        ("t.src == ::1", "column 10: \"::1\" cannot be converted to an IPv4 address (t.src)"),
        ("t.v6 == 10.0.0.1", "column 9: \"10.0.0.1\" cannot be converted to an IPv6 address (t.v6)"),
        ("t.mac == 02:00", "column 10: \"02:00\" cannot be converted to an Ethernet address (t.mac): an Ethernet address has 6 bytes"),
        ("t.data == 4", "column 11: \"4\" cannot be converted to a byte sequence (t.data)"),
        ("t.data == zz", "column 11: \"zz\" cannot be converted to a byte sequence (t.data)"),
        ("t.data[0] == 192", "column 14: \"192\" cannot be converted to a byte sequence (t.data)"),
        ("t.time > 0.1s", "column 10: \"0.1s\" cannot be converted to a time offset (t.time): expected seconds"),
        ("t.time > 0.0000000001", "column 10: \"0.0000000001\" cannot be converted to a time offset (t.time): expected seconds"),
        ("t.ratio == x", "column 12: \"x\" cannot be converted to a floating point number (t.ratio)"),
        ("t.flag == maybe", "column 11: \"maybe\" cannot be converted to a boolean (t.flag)"),
        ("t.name == 'é'", "column 11: character constant must hold one ASCII character"),
        ("é", "column 1: unexpected character 'é'"),
        ("t.port == 80 \"a\nb\"", "column 14: \"a\\nb\" was unexpected here"),
        ("t.src == \"a\tb\"", "column 10: \"a\\tb\" cannot be converted to an IPv4 address (t.src)"),
        ("t.port == 80 && é", "column 17: unexpected character 'é'"),
    ];
    let mut bad = Vec::new();
    for (f, want) in cases {
        let got = err(f);
        if got != want {
            bad.push(format!("{f:?}\n   got:  {got}\n   want: {want}"));
        }
        assert!(!got.contains('\n'), "{f}: more than one line");
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn depth_and_length_are_capped() {
    let deep = format!("{}t{}", "(".repeat(1000), ")".repeat(1000));
    assert!(err(&deep).contains("nested deeper than"));
    let nots = format!("{}t", "!".repeat(1000));
    assert!(err(&nots).contains("nested deeper than"));
    let long = "t || ".repeat(20_000) + "t";
    assert!(err(&long).contains("filter longer than"));
    let ok = format!("{}t{}", "(".repeat(100), ")".repeat(100));
    assert!(eval(&ok));
}

#[test]
fn the_glossary_compiles_real_filters() {
    for f in [
        "sctp && !forces",
        "ip.addr == 10.0.0.0/8 && tcp.port in {80, 443}",
        "_ws.expert.severity >= warning || _ws.malformed",
        "frame.time_relative > 0.1",
        "tcp.flags.syn == 1 && tcp.flags.ack == 0",
        "eth.src[0:3] == 00:11:22",
        "ipv6.addr == fe80::/10",
    ] {
        if let Err(e) = Filter::compile(f) {
            panic!("{f}: {e}");
        }
    }
    assert!(Filter::compile("tcp.prot == 1").is_err());
}

proptest::proptest! {
    /// The compiler never panics, whatever the text.
    #[test]
    fn never_panics(s in ".{0,64}") {
        let _ = compile(&s);
    }

    /// Nor on text made of the language's own pieces.
    #[test]
    fn never_panics_on_pieces(parts in proptest::collection::vec(proptest::sample::select(vec![
        "t", "t.port", "t.data", "t.src", "==", "!=", "<", "contains", "matches", "in", "{", "}", "[", "]",
        "0:1", "-1", "..", "(", ")", "!", "&&", "||", "\"x\"", "'a'", "10.0.0.0/8", "80", ",", "aa:bb",
    ]), 0..16)) {
        let s = parts.join(" ");
        if let Ok(f) = compile(&s) {
            let _ = f.matches(&packet());
        }
    }
}

/// The messages users see for the usual mistakes, against the real glossary (`--check-filter`).
#[test]
fn common_mistakes_snapshot() {
    let mut out = String::new();
    for f in [
        "tcp.prot == 80",
        "tcp.port == \"80\"",
        "tcp.port == 65536",
        "tcp.port contains 1",
        "tcp.port[0] == 00",
        "ip.src == 10.0.0",
        "ip.src == \"10.0.0.1\"",
        "ip.addr == ::1",
        "eth.src == 00:11:22",
        "sctp.chunk_type == DATAX",
        "_ws.expert.severity >= warn",
        "frame.time_relative > 1e-3",
        "tcp.port in {80 443",
        "tcp.flags.syn == 1 &&",
        "(sctp || tcp",
        "tcp.payload matches \"[\"",
        "ip.addr == 10.0.0.1 = 2",
    ] {
        let e = Filter::compile(f).err().map(|e| e.to_string()).unwrap_or_else(|| "compiles".into());
        out.push_str(&format!("{f}\n    {e}\n"));
    }
    insta::assert_snapshot!(out);
}
