//! The benchmark capture (`fuzzgen bench`): deterministic, exactly the frames asked for, valid
//! checksums, consistent TCP streams, the promised mix of TCP and SCTP, and read by tshark without
//! malformed packets or expert errors.

mod common;

use std::collections::HashMap;
use std::io::Cursor;
use std::net::IpAddr;

use dissect::capture::CaptureReader;
use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use fuzzgen::bench::write_bench;

fn bench(frames: u64, seed: u64) -> Vec<u8> {
    write_bench(Vec::new(), frames, seed).unwrap().0
}

fn frames_of(bytes: &[u8]) -> Vec<dissect::capture::Frame> {
    let r = CaptureReader::new(Box::new(Cursor::new(bytes.to_vec()))).unwrap();
    r.map(|f| f.unwrap()).collect()
}

#[test]
fn same_seed_same_bytes() {
    let a = bench(3000, 7);
    assert!(a == bench(3000, 7), "two runs with seed 7 differ");
    assert!(a != bench(3000, 8), "seeds 7 and 8 give the same bytes");
    // a shorter run is a prefix of a longer one, frame for frame
    let short = frames_of(&bench(1000, 7));
    let long = frames_of(&a);
    assert_eq!(short.len(), 1000);
    for (x, y) in short.iter().zip(&long) {
        assert_eq!((x.ts_sec, x.ts_nsec, &x.data), (y.ts_sec, y.ts_nsec, &y.data));
    }
}

#[test]
fn frame_count_is_exact() {
    for n in [0u64, 1, 2, 3, 17, 1000, 2500] {
        let (bytes, sum) = write_bench(Vec::new(), n, 5).unwrap();
        assert_eq!(sum.frames, n);
        let fr = frames_of(&bytes);
        assert_eq!(fr.len() as u64, n, "frames read back for --frames {n}");
        assert_eq!(sum.bytes, fr.iter().map(|f| f.data.len() as u64).sum::<u64>());
        assert!(fr.iter().all(|f| f.linktype == 1 && !f.is_truncated()));
    }
}

/// What the structural walk found.
#[derive(Default, Debug)]
struct Seen {
    v4: usize,
    v6: usize,
    tcp: usize,
    syn: usize,
    fin: usize,
    sctp: usize,
    sctp_udp: usize,
    /// SCTP chunk type -> count.
    chunks: HashMap<u8, usize>,
    first_fragments: usize,
    unordered: usize,
    bundled_data: usize,
    gap_sacks: usize,
    v6_addr_params: usize,
    resent_bytes: usize,
}

/// A TCP direction's bytes by stream offset, from the SYN's sequence number.
#[derive(Default)]
struct Stream {
    isn: Option<u32>,
    bytes: HashMap<u64, u8>,
}

/// Walk the chunks of an SCTP packet (RFC 9260 §3.2), checking the CRC32c (Appendix A).
fn sctp_packet(p: &[u8], seen: &mut Seen) {
    assert!(p.len() >= 16, "short SCTP packet");
    let mut z = p.to_vec();
    z[8..12].copy_from_slice(&[0; 4]);
    assert_eq!(u32::from_le_bytes([p[8], p[9], p[10], p[11]]), crc32c::crc32c(&z), "CRC32c");
    let mut off = 12;
    let mut data_chunks = 0;
    while off + 4 <= p.len() {
        let (ty, flags) = (p[off], p[off + 1]);
        let len = usize::from(u16::from_be_bytes([p[off + 2], p[off + 3]]));
        assert!(len >= 4 && off + len <= p.len(), "chunk length {len} at {off}");
        *seen.chunks.entry(ty).or_default() += 1;
        match ty {
            0 => {
                data_chunks += 1;
                seen.unordered += usize::from(flags & 0x04 != 0);
                // B set, E clear: the first piece of a fragmented message
                seen.first_fragments += usize::from(flags & 0x03 == 0x02);
            }
            1 | 2 => {
                let mut q = off + 20;
                while q + 4 <= off + len {
                    let pty = u16::from_be_bytes([p[q], p[q + 1]]);
                    let plen = usize::from(u16::from_be_bytes([p[q + 2], p[q + 3]]));
                    assert!(plen >= 4, "parameter length");
                    seen.v6_addr_params += usize::from(pty == 6 && plen == 20);
                    q += plen.div_ceil(4) * 4;
                }
            }
            3 => seen.gap_sacks += usize::from(u16::from_be_bytes([p[off + 12], p[off + 13]]) > 0),
            _ => {}
        }
        off += len.div_ceil(4) * 4;
    }
    assert_eq!(off, p.len().div_ceil(4) * 4, "chunks fill the packet");
    seen.bundled_data += usize::from(data_chunks > 1);
}

#[test]
fn checksums_streams_and_mix() {
    let bytes = bench(5000, 7);
    let mut seen = Seen::default();
    let mut streams: HashMap<(IpAddr, u16, IpAddr, u16), Stream> = HashMap::new();
    let mut last = (0i64, 0u32);
    for f in frames_of(&bytes) {
        assert!((f.ts_sec, f.ts_nsec) >= last, "frame {}: time goes back", f.number);
        last = (f.ts_sec, f.ts_nsec);
        assert!(f.data.len() <= 1514, "frame {}: {} bytes exceed the Ethernet MTU", f.number, f.data.len());
        let s = SlicedPacket::from_ethernet(&f.data).unwrap_or_else(|e| panic!("frame {}: {e}", f.number));
        let (src, dst, ip_payload) = match &s.net {
            Some(NetSlice::Ipv4(ip)) => {
                let h = ip.header().to_header();
                assert_eq!(h.header_checksum, h.calc_header_checksum(), "frame {}", f.number);
                seen.v4 += 1;
                (IpAddr::from(h.source), IpAddr::from(h.destination), ip.payload())
            }
            Some(NetSlice::Ipv6(ip)) => {
                let h = ip.header().to_header();
                seen.v6 += 1;
                (IpAddr::from(h.source), IpAddr::from(h.destination), ip.payload())
            }
            _ => panic!("frame {}: no IP", f.number),
        };
        match &s.transport {
            Some(TransportSlice::Tcp(t)) => {
                let h = t.to_header();
                let want = match (src, dst) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => h.calc_checksum_ipv4_raw(a.octets(), b.octets(), t.payload()),
                    (IpAddr::V6(a), IpAddr::V6(b)) => h.calc_checksum_ipv6_raw(a.octets(), b.octets(), t.payload()),
                    _ => panic!("mixed families"),
                }
                .unwrap();
                assert_eq!(h.checksum, want, "frame {}: TCP checksum", f.number);
                seen.tcp += 1;
                seen.syn += usize::from(h.syn);
                seen.fin += usize::from(h.fin);
                let st = streams.entry((src, h.source_port, dst, h.destination_port)).or_default();
                if h.syn {
                    st.isn = Some(h.sequence_number);
                }
                let isn = st.isn.unwrap_or_else(|| panic!("frame {}: data before the SYN", f.number));
                let off = u64::from(h.sequence_number.wrapping_sub(isn).wrapping_sub(1));
                for (i, b) in t.payload().iter().enumerate() {
                    // the same stream offset always carries the same byte, however often it is sent
                    if let Some(old) = st.bytes.insert(off + i as u64, *b) {
                        assert_eq!(old, *b, "frame {}: offset {} changed", f.number, off + i as u64);
                        seen.resent_bytes += 1;
                    }
                }
            }
            Some(TransportSlice::Udp(u)) => {
                let h = u.to_header();
                let want = match (src, dst) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => h.calc_checksum_ipv4_raw(a.octets(), b.octets(), u.payload()),
                    (IpAddr::V6(a), IpAddr::V6(b)) => h.calc_checksum_ipv6_raw(a.octets(), b.octets(), u.payload()),
                    _ => panic!("mixed families"),
                }
                .unwrap();
                assert_eq!(h.checksum, want, "frame {}: UDP checksum", f.number);
                assert_eq!((h.source_port, h.destination_port), (9899, 9899), "UDP only encapsulates SCTP");
                seen.sctp_udp += 1;
                sctp_packet(u.payload(), &mut seen);
            }
            None => {
                assert_eq!(ip_payload.ip_number.0, 132, "frame {}: neither TCP, UDP nor SCTP", f.number);
                seen.sctp += 1;
                sctp_packet(ip_payload.payload, &mut seen);
            }
            _ => panic!("frame {}: unexpected transport", f.number),
        }
    }
    eprintln!("{seen:?}");
    let c = |t: u8| seen.chunks.get(&t).copied().unwrap_or(0);
    // a mix: both transports, both IP versions, every part of the SCTP life cycle
    assert!(seen.tcp > 1500 && seen.sctp > 800 && seen.sctp_udp > 20, "{seen:?}");
    assert!(seen.v6 > 250 && seen.v4 > 3000, "{seen:?}");
    assert!(seen.syn > 100 && seen.fin > 50, "{seen:?}");
    for t in [0, 1, 2, 3, 4, 5, 7, 8, 10, 11, 14] {
        assert!(c(t) > 0, "no SCTP chunk of type {t}: {seen:?}");
    }
    // every setup is complete: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK pair up
    assert!(c(1) >= c(2) && c(2) >= c(10) && c(10) >= c(11) && c(11) + 2 >= c(1), "{seen:?}");
    assert!(seen.first_fragments > 20 && seen.unordered > 20 && seen.bundled_data > 10, "{seen:?}");
    assert!(seen.gap_sacks > 0 && seen.v6_addr_params > 0 && seen.resent_bytes > 0, "{seen:?}");
}

/// Expert infos at error level with every checksum checked.
fn tshark_errors(path: &str) -> Vec<String> {
    let out = common::run_tshark(&[
        "-r",
        path,
        "-q",
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        "-o",
        "sctp.checksum:CRC 32c",
        "-z",
        "expert,error",
    ]);
    out.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('=')).map(str::to_string).collect()
}

#[test]
fn tshark_reads_5000_frames_cleanly() {
    if !common::tshark() {
        return;
    }
    let p = common::temp_path("bench-5000.pcapng");
    std::fs::write(&p, bench(5000, 7)).unwrap();
    let ps = p.to_str().unwrap();
    let out = common::run_tshark(&[
        "-r",
        ps,
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "_ws.malformed",
        "-e",
        "frame.protocols",
        "-e",
        "tcp.analysis.retransmission",
        "-e",
        "tcp.analysis.lost_segment",
        "-e",
        "sctp.chunk_type",
    ]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    assert_eq!(rows.len(), 5000, "tshark's frame count");
    let malformed: Vec<_> = rows.iter().enumerate().filter(|(_, r)| !r[0].is_empty()).map(|(i, _)| i + 1).collect();
    assert!(malformed.is_empty(), "tshark reports malformed frames {malformed:?}");
    let errors = tshark_errors(ps);
    assert!(errors.is_empty(), "tshark expert errors:\n{}", errors.join("\n"));
    let count = |pred: &dyn Fn(&Vec<&str>) -> bool| rows.iter().filter(|r| pred(r)).count();
    // tshark sees what was intended: both transports over both IP versions, SCTP over UDP,
    // application bytes as `data` only, a few retransmissions and holes
    for proto in ["eth:ethertype:ip:tcp", "eth:ethertype:ipv6:tcp", "eth:ethertype:ip:sctp", "eth:ethertype:ipv6:sctp"]
    {
        assert!(count(&|r| r[1].starts_with(proto)) > 50, "few {proto} frames");
    }
    assert!(count(&|r| r[1].contains(":udp:sctp")) > 20, "SCTP over UDP");
    assert!(
        rows.iter().all(|r| r[1].split(':').skip_while(|p| !matches!(*p, "tcp" | "sctp")).skip(1).all(|p| p == "data")),
        "a dissector other than data ran on the payloads"
    );
    assert!(count(&|r| !r[2].is_empty()) >= 5, "retransmissions");
    assert!(count(&|r| !r[3].is_empty()) >= 1, "lost segments");
    let types: std::collections::HashSet<&str> = rows.iter().flat_map(|r| r[4].split(',')).collect();
    for t in ["0", "1", "2", "3", "4", "5", "7", "8", "10", "11", "14"] {
        assert!(types.contains(t), "no SCTP chunk of type {t} in tshark's view");
    }
}
