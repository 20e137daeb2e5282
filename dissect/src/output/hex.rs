//! `-x`: hex and ASCII dumps of the frame and of every named buffer, in tshark's layout
//! (`0000  00 04 96 08 ...   ..ASCII..`; when a packet has more than one buffer, each dump is
//! headed by `Name (N bytes):`). Offsets widen past 4 hex digits for large buffers.

use std::io::{self, Write};

use crate::tree::Packet;

/// Write the dumps of all of a packet's buffers, then a blank line.
pub fn write_hex(out: &mut dyn Write, p: &Packet) -> io::Result<()> {
    let several = p.buffers.len() > 1;
    for b in &p.buffers {
        if several {
            writeln!(out, "{} ({} bytes):", b.name, b.data.len())?;
        }
        dump(out, &b.data)?;
    }
    writeln!(out)
}

/// One hex dump, 16 bytes a line.
pub fn dump(out: &mut dyn Write, data: &[u8]) -> io::Result<()> {
    let wide = data.len() > 0x10000;
    let mut line = String::with_capacity(80);
    for (i, chunk) in data.chunks(16).enumerate() {
        line.clear();
        let off = i * 16;
        if wide {
            line.push_str(&format!("{:08x}  ", off));
        } else {
            line.push_str(&format!("{:04x}  ", off));
        }
        for b in chunk {
            line.push_str(&format!("{:02x} ", b));
        }
        for _ in chunk.len()..16 {
            line.push_str("   ");
        }
        line.push_str("  ");
        for b in chunk {
            line.push(if (0x20..0x7f).contains(b) { *b as char } else { '.' });
        }
        writeln!(out, "{}", line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_layout_as_tshark() {
        // Frame 1 of wireshark-wiki/sctp-www.cap, last line, as printed by tshark 4.0 -x.
        let data = [0x00u8, 0x04, 0xc0, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00];
        let mut out = Vec::new();
        super::dump(&mut out, &data).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000  00 04 c0 06 00 08 00 00 00 00                     ..........\n"
        );
        let full: Vec<u8> = (0x40u8..0x50).collect();
        let mut out = Vec::new();
        super::dump(&mut out, &full).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000  40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f   @ABCDEFGHIJKLMNO\n"
        );
    }
}
