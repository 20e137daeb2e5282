//! Snapshots of the tree for a few packets: every node's abbreviation, value, span, flags and
//! label, as the outputs will read them.

use super::aiortc::AIORTC;
use super::*;

/// The tree as text: one node per line, indented by depth.
fn render(p: &Packet) -> String {
    fn node(out: &mut String, n: &crate::tree::Node, depth: usize) {
        out.push_str(&"  ".repeat(depth));
        out.push_str(n.def.abbrev);
        if !matches!(n.value, crate::tree::Value::None) {
            out.push_str(" = ");
            out.push_str(&field_value(n.def, &n.value));
        }
        out.push_str(&format!(" @{}:{}..{}", n.span.buf, n.span.start, n.span.end));
        if n.generated {
            out.push_str(" [generated]");
        }
        if n.hidden {
            out.push_str(" [hidden]");
        }
        if let Some(l) = &n.label {
            out.push_str(&format!(" {l:?}"));
        }
        out.push('\n');
        for c in &n.children {
            node(out, c, depth + 1);
        }
    }
    let mut out = format!(
        "info: {:?}\nbuffers: {:?}\n",
        p.summary.info,
        p.buffers.iter().map(|b| (&b.name, b.data.len())).collect::<Vec<_>>()
    );
    for l in &p.layers {
        node(&mut out, l, 0);
    }
    out
}

fn raw(name: &str) -> &'static [u8] {
    AIORTC.iter().find(|(k, _)| *k == name).map(|(_, b)| *b).unwrap_or(&[])
}

#[test]
fn init_with_auth_parameters() {
    let p = one(raw("sctp_init.bin"), 1, &mut State::default());
    insta::assert_snapshot!(render(&p));
}

#[test]
fn sack_with_gap_blocks_and_a_duplicate() {
    let p = one(raw("sctp_sack.bin"), 1, &mut State::default());
    insta::assert_snapshot!(render(&p));
}

#[test]
fn bundled_sack_and_two_messages() {
    let header = CommonHeader { src_port: 7, dst_port: 7, verification_tag: 0x01020304, checksum: 0 };
    let chunks = [
        Chunk::Sack(Sack { cum_tsn_ack: 5, a_rwnd: 0, gaps: vec![GapBlock { start: 2, end: 3 }], dup_tsns: vec![] }),
        Chunk::Data(Data {
            immediate: true,
            unordered: false,
            beginning: true,
            ending: true,
            tsn: 100,
            stream_id: 1,
            ssn: 0,
            ppid: ppid::WEBRTC_STRING,
            user_data: b"hi",
        }),
        Chunk::Data(Data {
            immediate: false,
            unordered: true,
            beginning: true,
            ending: true,
            tsn: 101,
            stream_id: 2,
            ssn: 0,
            ppid: 0,
            user_data: b"there",
        }),
    ];
    let mut b = Vec::new();
    emit_packet(&header, &chunks, &mut b);
    let p = one(&b, 1, &mut State::default());
    insta::assert_snapshot!(render(&p));
}

#[test]
fn truncated_data_chunk() {
    let p = one(raw("sctp_data_truncated.bin"), 1, &mut State::default());
    insta::assert_snapshot!(render(&p));
}
