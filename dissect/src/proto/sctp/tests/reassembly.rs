//! User message reassembly and association tracking through the dissector: in order, out of
//! order, duplicates and retransmissions, unordered messages, I-DATA, caps, bundling.

use super::*;

const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

fn data(tsn: u32, sid: u16, ssn: u16, b: bool, e: bool, u: bool, user_data: &[u8]) -> Chunk<'_> {
    Chunk::Data(Data {
        immediate: false,
        unordered: u,
        beginning: b,
        ending: e,
        tsn,
        stream_id: sid,
        ssn,
        ppid: 51,
        user_data,
    })
}

fn idata(tsn: u32, mid: u32, ppid_or_fsn: u32, b: bool, e: bool, user_data: &[u8]) -> Chunk<'_> {
    Chunk::IData(IData {
        immediate: false,
        unordered: false,
        beginning: b,
        ending: e,
        tsn,
        stream_id: 3,
        mid,
        ppid_or_fsn,
        user_data,
    })
}

/// A packet from A:5000 to B:6000 with verification tag `vtag`, as frame `n`.
fn send(chunks: &[Chunk], vtag: u32, n: u64, st: &mut State, cfg: &Config) -> Packet {
    let header = CommonHeader { src_port: 5000, dst_port: 6000, verification_tag: vtag, checksum: 0 };
    let mut b = Vec::new();
    emit_packet(&header, chunks, &mut b);
    let f =
        SctpFrame { number: n, ts: (100, n as u32), src: Some(A), dst: Some(B), frame: Arc::from(b), start: 0, end: 0 };
    let f = SctpFrame { end: f.frame.len(), ..f };
    dissect_one(&f, cfg, st)
}

fn layers(p: &Packet) -> Vec<&str> {
    p.layers.iter().map(|l| l.def.abbrev).collect()
}

fn data_bytes(p: &Packet) -> Vec<Vec<u8>> {
    p.values("data.data")
        .iter()
        .map(|n| match &n.value {
            crate::tree::Value::Bytes(b) => b.clone(),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn in_order() {
    let (mut st, cfg) = (State::default(), Config::default());
    let p1 = send(&[data(100, 1, 7, true, false, false, b"hel")], 9, 1, &mut st, &cfg);
    let p2 = send(&[data(101, 1, 7, false, false, false, b"lo ")], 9, 2, &mut st, &cfg);
    let p3 = send(&[data(102, 1, 7, false, true, false, b"world")], 9, 3, &mut st, &cfg);
    assert_eq!(p1.summary.info, "DATA (TSN=0) (Message Fragment) ");
    assert_eq!(p2.summary.info, "DATA (TSN=1) (Message Fragment) ");
    assert_eq!(p3.summary.info, "DATA (TSN=2) ");
    assert_eq!(layers(&p1), ["sctp"]);
    assert_eq!(layers(&p3), ["sctp", "data"]);
    assert_eq!(fv(&p3, "sctp.fragment"), "1,2,3");
    assert_eq!(fv(&p3, "sctp.fragments"), "1");
    let frags = p3.find("sctp.fragments").unwrap();
    assert_eq!(frags.display_label(), "Reassembled SCTP Fragments (11 bytes, 3 fragments): ");
    // tshark's offsets in these labels start at the message length (11).
    assert_eq!(frags.children[1].display_label(), "Frame: 2, payload: 14-16 (3 bytes)");
    assert_eq!(frags.children[1].span, crate::tree::Span::new(1, 3, 6));
    assert_eq!(p3.buffers[1].name, "Reassembled SCTP Message");
    assert_eq!(&p3.buffers[1].data[..], b"hello world");
    assert_eq!(data_bytes(&p3), vec![b"hello world".to_vec()]);
    // The data layer's bytes are in the reassembled buffer.
    assert_eq!(p3.find("data.data").unwrap().span, crate::tree::Span::new(1, 0, 11));
    assert_eq!(st.sctp.reasm.pending_bytes(), 0);
}

#[test]
fn out_of_order_with_a_retransmission() {
    let (mut st, cfg) = (State::default(), Config::default());
    let p1 = send(&[data(100, 1, 7, true, false, false, b"ab")], 9, 1, &mut st, &cfg);
    let p2 = send(&[data(102, 1, 7, false, true, false, b"ef")], 9, 2, &mut st, &cfg);
    // TSN 100 again: TSN analysis calls it a retransmission and it is not reassembled twice.
    let p3 = send(&[data(100, 1, 7, true, false, false, b"ab")], 9, 3, &mut st, &cfg);
    let p4 = send(&[data(101, 1, 7, false, false, false, b"cd")], 9, 4, &mut st, &cfg);
    assert_eq!(p1.summary.info, "DATA (TSN=0) (Message Fragment) ");
    assert_eq!(p2.summary.info, "DATA (TSN=2) (Message Fragment) ");
    assert_eq!(p3.summary.info, "DATA (TSN=0) (retransmission) ");
    assert_eq!(fv(&p3, "sctp.retransmission"), "1");
    assert_eq!(fv(&p3, "sctp.retransmission_time"), "0.000000002");
    assert_eq!(p4.summary.info, "DATA (TSN=1) ");
    assert_eq!(fv(&p4, "sctp.fragment"), "1,4,2");
    assert_eq!(data_bytes(&p4), vec![b"abcdef".to_vec()]);
}

#[test]
fn duplicates_without_tsn_analysis() {
    // With a verification tag of 0 there is no half-association, so the reassembler itself
    // finds the duplicate, as tshark does.
    let (mut st, cfg) = (State::default(), Config::default());
    send(&[data(5, 0, 1, true, false, false, b"x")], 0, 1, &mut st, &cfg);
    let p2 = send(&[data(5, 0, 1, true, false, false, b"x")], 0, 2, &mut st, &cfg);
    assert_eq!(p2.summary.info, "DATA (TSN=5) (Duplicate Message Fragment) ");
    assert_eq!(fv(&p2, "sctp.duplicate"), "1");
    let p3 = send(&[data(6, 0, 1, false, true, false, b"y")], 0, 3, &mut st, &cfg);
    assert_eq!(data_bytes(&p3), vec![b"xy".to_vec()]);
}

#[test]
fn unordered_messages_of_one_stream() {
    // Two unordered messages on stream 2, their fragments interleaved: 10-11 and 12-13. The SSN
    // of unordered DATA means nothing (RFC 4960 §3.3.1), so it differs here on purpose.
    let (mut st, cfg) = (State::default(), Config::default());
    send(&[data(12, 2, 40, true, false, true, b"C")], 9, 1, &mut st, &cfg);
    send(&[data(10, 2, 41, true, false, true, b"A")], 9, 2, &mut st, &cfg);
    let p3 = send(&[data(13, 2, 42, false, true, true, b"D")], 9, 3, &mut st, &cfg);
    let p4 = send(&[data(11, 2, 43, false, true, true, b"B")], 9, 4, &mut st, &cfg);
    assert_eq!(data_bytes(&p3), vec![b"CD".to_vec()]);
    assert_eq!(data_bytes(&p4), vec![b"AB".to_vec()]);
    assert_eq!(fv(&p3, "sctp.fragment"), "1,3");
    assert_eq!(fv(&p4, "sctp.data_u_bit"), "1");
}

#[test]
fn idata_by_mid_and_fsn() {
    // RFC 8260 §2.1: the first fragment carries the PPID, the others their FSN.
    let (mut st, cfg) = (State::default(), Config::default());
    let p1 = send(&[idata(50, 7, 2, false, true, b"!")], 9, 1, &mut st, &cfg);
    let p2 = send(&[idata(48, 7, 99, true, false, b"hi")], 9, 2, &mut st, &cfg);
    // Another message (MID 8) in between does not mix in.
    send(&[idata(51, 8, 99, true, false, b"zz")], 9, 3, &mut st, &cfg);
    let p4 = send(&[idata(49, 7, 1, false, false, b" there")], 9, 4, &mut st, &cfg);
    assert_eq!(p1.summary.info, "I_DATA (TSN=0) (Message Fragment) ");
    assert_eq!(fv(&p1, "sctp.data_fsn"), "2");
    assert_eq!(fv(&p2, "sctp.data_payload_proto_id"), "99");
    assert_eq!(fv(&p2, "sctp.data_mid"), "7");
    assert_eq!(
        p2.find("sctp.chunk").unwrap().display_label(),
        "I_DATA chunk (ordered, first segment, TSN: 4294967294, SID: 3, MID: 7, payload length: 2 bytes)"
    );
    assert_eq!(data_bytes(&p4), vec![b"hi there!".to_vec()]);
    assert_eq!(
        p4.find("sctp.fragments").unwrap().display_label(),
        "Reassembled SCTP Fragments (9 bytes, 3 fragments): "
    );
}

#[test]
fn message_cap_is_an_expert_not_an_allocation() {
    let mut st = State::default();
    let cfg = Config { sctp_max_message: 8, ..Config::default() };
    send(&[data(1, 0, 0, true, false, false, b"12345")], 9, 1, &mut st, &cfg);
    let p = send(&[data(2, 0, 0, false, false, false, b"67890")], 9, 2, &mut st, &cfg);
    let e = p.experts.iter().find(|e| e.group == crate::tree::Group::Reassemble).expect("cap expert");
    assert_eq!(e.severity, crate::tree::Severity::Warning);
    assert!(e.message.contains("would exceed 8 bytes"), "{}", e.message);
    assert_eq!(st.sctp.reasm.pending_bytes(), 0);
    // The rest of that message cannot complete; nothing is handed up.
    let p = send(&[data(3, 0, 0, false, true, false, b"x")], 9, 3, &mut st, &cfg);
    assert_eq!(layers(&p), ["sctp"]);
}

#[test]
fn partial_message_cap() {
    let (mut st, cfg) = (State::default(), Config::default());
    // One more first fragment than a direction may hold, each on its own stream and SSN.
    let n = reasm::MAX_PARTIALS as u32 + 1;
    let mut last = None;
    for i in 0..n {
        let sid = (i % 60000) as u16;
        let ssn = (i / 60000) as u16;
        last = Some(send(&[data(i, sid, ssn, true, false, false, b"x")], 9, i as u64 + 1, &mut st, &cfg));
    }
    let p = last.unwrap();
    assert!(p.experts.iter().any(|e| e.message.contains("partial messages in this direction")), "{:?}", p.experts);
    assert_eq!(st.sctp.reasm.partials(&(5000, 6000, 9)), reasm::MAX_PARTIALS);
}

#[test]
fn bundled_messages_interleave_with_their_layers() {
    let (mut st, cfg) = (State::default(), Config::default());
    let sack = Chunk::Sack(Sack { cum_tsn_ack: 1, a_rwnd: 1000, gaps: vec![], dup_tsns: vec![] });
    let p = send(
        &[sack, data(7, 0, 0, true, true, false, b"one"), data(8, 1, 0, true, true, false, b"two")],
        9,
        1,
        &mut st,
        &cfg,
    );
    // tshark: the first SCTP item ends after the first DATA chunk, its payload follows, then a
    // second SCTP item for the rest.
    assert_eq!(layers(&p), ["sctp", "data", "sctp", "data"]);
    assert_eq!(p.layers[2].display_label(), "Stream Control Transmission Protocol");
    assert_eq!(p.summary.info, "SACK (Ack=1, Arwnd=1000) DATA (TSN=0) DATA (TSN=1) ");
    assert_eq!(data_bytes(&p), vec![b"one".to_vec(), b"two".to_vec()]);
    // The association index is in the first SCTP item, after the verification tag.
    let first: Vec<&str> = p.layers[0].children.iter().map(|c| c.def.abbrev).collect();
    assert_eq!(&first[..4], ["sctp.srcport", "sctp.dstport", "sctp.verification_tag", "sctp.assoc_index"]);
    assert!(p.layers[2].find("sctp.assoc_index").is_none());
}

#[test]
fn association_index_across_a_handshake() {
    // INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA both ways, then a second association on
    // other ports: indices 0 x 7 then 1, as tshark numbers them.
    let (mut st, cfg) = (State::default(), Config::default());
    let mk = |sp, dp, vtag, c: Chunk, n, st: &mut State| {
        let header = CommonHeader { src_port: sp, dst_port: dp, verification_tag: vtag, checksum: 0 };
        let mut b = Vec::new();
        emit_packet(&header, &[c], &mut b);
        let (src, dst) = if sp == 1 { (A, B) } else { (B, A) };
        let f = SctpFrame {
            number: n,
            ts: (0, 0),
            src: Some(src),
            dst: Some(dst),
            end: b.len(),
            frame: Arc::from(b),
            start: 0,
        };
        dissect_one(&f, &cfg, st)
    };
    let init = |tag| Init {
        initiate_tag: tag,
        a_rwnd: 1,
        outbound_streams: 1,
        inbound_streams: 1,
        initial_tsn: 1,
        params: vec![],
    };
    let seq = [
        mk(1, 2, 0, Chunk::Init(init(0xaaaa)), 1, &mut st),
        mk(2, 1, 0xaaaa, Chunk::InitAck(init(0xbbbb)), 2, &mut st),
        mk(1, 2, 0xbbbb, Chunk::CookieEcho { cookie: b"c" }, 3, &mut st),
        mk(2, 1, 0xaaaa, Chunk::CookieAck, 4, &mut st),
        mk(1, 2, 0xbbbb, data(1, 0, 0, true, true, false, b"q"), 5, &mut st),
        mk(2, 1, 0xaaaa, data(1, 0, 0, true, true, false, b"r"), 6, &mut st),
        mk(2, 1, 0xaaaa, Chunk::Abort { tag_reflected: false, causes: vec![] }, 7, &mut st),
        mk(3, 2, 0, Chunk::Init(init(0xcccc)), 8, &mut st),
    ];
    let idx: Vec<String> = seq.iter().map(|p| fv(p, "sctp.assoc_index")).collect();
    assert_eq!(idx, ["0", "0", "0", "0", "0", "0", "0", "1"]);
    // Relative TSNs per direction, and the peer's first TSN for the SACK side.
    assert_eq!(fv(&seq[4], "sctp.data_tsn"), "0");
    assert_eq!(fv(&seq[5], "sctp.data_tsn"), "0");
}
