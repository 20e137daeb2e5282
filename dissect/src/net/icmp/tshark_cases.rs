//! ICMP and ICMPv6 against tshark: literal frames (Ethernet; ICMP echo with timestamps in the
//! data, replies matched and unmatched; errors of every kind quoting UDP, TCP (8 bytes and a
//! full header), ICMP and an error itself, cut short, with an RFC 4884 length; timestamp,
//! information, mask, router advertisement and solicitation; a bad checksum and truncated
//! messages; ICMPv6 errors, echo, Neighbor Discovery with options and a redirected header,
//! MLDv1/v2) and every `icmp.*`/`icmpv6.*` value tshark 4.0.17 printed for them
//! (`-T fields`, checksums verified), plus some fields of the quoted layers. A field not listed
//! for a frame must be absent.

use crate::capture::{linktype, Frame};
use crate::engine::{Config, Dissector};
use crate::tree::{field_value, Packet, Value};

type Case = ((u32, u32), &'static str, &'static [(&'static str, &'static str)]);

const CASES: &[Case] = &[
    ((1700000000, 9999872), "02000000000202000000000108004500005400014000400126a60a0000010a000002080090bf1234000100f153650000000040e2010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637", &[
        ("icmp.checksum", "0x90bf"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.data_time", "Nov 14, 2023 22:13:20.000000000 UTC"),
        ("icmp.data_time_relative", "0.009999872"),
        ("icmp.ident", "4660"),
        ("icmp.ident_le", "13330"),
        ("icmp.seq", "1"),
        ("icmp.seq_le", "256"),
        ("icmp.type", "8"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
        ("data.len", "48"),
    ]),
    ((1700000000, 22299904), "02000000000202000000000108004500005400014000400126a60a0000020a000001000098bf1234000100f153650000000040e2010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637", &[
        ("icmp.checksum", "0x98bf"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.data_time", "Nov 14, 2023 22:13:20.000000000 UTC"),
        ("icmp.data_time_relative", "0.022299904"),
        ("icmp.ident", "4660"),
        ("icmp.ident_le", "13330"),
        ("icmp.resp_to", "1"),
        ("icmp.resptime", "12.300032"),
        ("icmp.seq", "1"),
        ("icmp.seq_le", "256"),
        ("icmp.type", "0"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
        ("data.len", "48"),
    ]),
    ((1700000000, 23299840), "02000000000202000000000108004500005400014000400126a60a0000020a000001000098bf1234000100f153650000000040e2010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637", &[
        ("icmp.checksum", "0x98bf"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.data_time", "Nov 14, 2023 22:13:20.000000000 UTC"),
        ("icmp.data_time_relative", "0.023299840"),
        ("icmp.ident", "4660"),
        ("icmp.ident_le", "13330"),
        ("icmp.seq", "1"),
        ("icmp.seq_le", "256"),
        ("icmp.type", "0"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
        ("data.len", "48"),
    ]),
    ((1700000000, 33299968), "02000000000202000000000108004500005400014000400126a60a0000020a000001000098b71234000900f153650000000040e2010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637", &[
        ("icmp.checksum", "0x98b7"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.data_time", "Nov 14, 2023 22:13:20.000000000 UTC"),
        ("icmp.data_time_relative", "0.033299968"),
        ("icmp.ident", "4660"),
        ("icmp.ident_le", "13330"),
        ("icmp.seq", "9"),
        ("icmp.seq_le", "2304"),
        ("icmp.type", "0"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
        ("data.len", "48"),
    ]),
    ((1700000000, 43299840), "02000000000202000000000108004500003800014000400126c20a0000010a00000208004bc6000700026553f1000007a1207878787878787878787878787878787878787878", &[
        ("icmp.checksum", "0x4bc6"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.data_time", "Nov 14, 2023 22:13:20.500000000 UTC"),
        ("icmp.data_time_relative", "-0.456700160"),
        ("icmp.ident", "7"),
        ("icmp.ident_le", "1792"),
        ("icmp.seq", "2"),
        ("icmp.seq_le", "512"),
        ("icmp.type", "8"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
        ("data.len", "20"),
    ]),
    ((1700000000, 53299968), "02000000000202000000000108004500001f00014000400126db0a0000010a0000020800339300070003616263", &[
        ("icmp.checksum", "0x3393"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "7"),
        ("icmp.ident_le", "1792"),
        ("icmp.seq", "3"),
        ("icmp.seq_le", "768"),
        ("icmp.type", "8"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
        ("data.len", "3"),
    ]),
    ((1700000000, 63299840), "02000000000202000000000108004500004300014000400126b00a0000090a00000103001127000000004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x1127"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.type", "3"),
        ("icmp.unused", "00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 133299712), "02000000000202000000000108004500004300014000400126b00a0000090a00000103101117000000004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x1117"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "16"),
        ("icmp.type", "3"),
        ("icmp.unused", "00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 143299840), "02000000000202000000000108004500004300014000400126b00a0000090a00000103040bab000005784500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x0bab"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "4"),
        ("icmp.mtu", "1400"),
        ("icmp.type", "3"),
        ("icmp.unused", "0000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 153299712), "02000000000202000000000108004500004300014000400126b00a0000090a0000010501051d0a0000094500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x051d"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "1"),
        ("icmp.redir_gw", "10.0.0.9"),
        ("icmp.type", "5"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "2"),
    ]),
    ((1700000000, 183299840), "02000000000202000000000108004500004300014000400126b00a0000090a0000010c00f426140000004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0xf426"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.pointer", "20"),
        ("icmp.type", "12"),
        ("icmp.unused", "000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 193299712), "02000000000202000000000108004500004300014000400126b00a0000090a00000104001027000000004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x1027"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.type", "4"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 203299840), "02000000000202000000000108004500004300014000400126b00a0000090a00000103031121000300004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0x1121"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "3"),
        ("icmp.length", "3"),
        ("icmp.length.original_datagram", "12"),
        ("icmp.type", "3"),
        ("icmp.unused", "00,0000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "2"),
    ]),
    ((1700000000, 213299712), "02000000000202000000000108004500002800014000400126d20a0000010a0000020d00ef0c00050006000003e80000000000000000", &[
        ("icmp.checksum", "0xef0c"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "5"),
        ("icmp.ident_le", "1280"),
        ("icmp.originate_timestamp", "1000"),
        ("icmp.receive_timestamp", "0"),
        ("icmp.seq", "6"),
        ("icmp.seq_le", "1536"),
        ("icmp.transmit_timestamp", "0"),
        ("icmp.type", "13"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
    ]),
    ((1700000000, 223299840), "02000000000202000000000108004500002800014000400126d20a0000020a0000010e00da8400050006000003e8000007d000000bb8", &[
        ("icmp.checksum", "0xda84"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "5"),
        ("icmp.ident_le", "1280"),
        ("icmp.originate_timestamp", "1000"),
        ("icmp.receive_timestamp", "2000"),
        ("icmp.seq", "6"),
        ("icmp.seq_le", "1536"),
        ("icmp.transmit_timestamp", "3000"),
        ("icmp.type", "14"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
    ]),
    ((1700000000, 253299712), "02000000000202000000000108004500002000014000400126da0a0000010a0000021100eef40005000600000000", &[
        ("icmp.address_mask", "0.0.0.0"),
        ("icmp.checksum", "0xeef4"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "5"),
        ("icmp.ident_le", "1280"),
        ("icmp.seq", "6"),
        ("icmp.seq_le", "1536"),
        ("icmp.type", "17"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
    ]),
    ((1700000000, 263299584), "02000000000202000000000108004500002000014000400126da0a0000020a0000011200eef300050006ffffff00", &[
        ("icmp.address_mask", "255.255.255.0"),
        ("icmp.checksum", "0xeef3"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "5"),
        ("icmp.ident_le", "1280"),
        ("icmp.seq", "6"),
        ("icmp.seq_le", "1536"),
        ("icmp.type", "18"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
    ]),
    ((1700000000, 273299712), "02000000000202000000000108004500002c00014000400126ce0a0000020a0000010900d9ee020207080a000009000000000a000002fffffffb", &[
        ("icmp.addr_entry_size", "2"),
        ("icmp.checksum", "0xd9ee"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.lifetime", "1800"),
        ("icmp.num_addrs", "2"),
        ("icmp.pref_level", "0,-5"),
        ("icmp.router_address", "10.0.0.9,10.0.0.2"),
        ("icmp.type", "9"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.2"),
        ("ip.dst", "10.0.0.1"),
    ]),
    ((1700000000, 283299584), "02000000000202000000000108004500001c00014000400126de0a0000010a0000020a00f5ff00000000", &[
        ("icmp.checksum", "0xf5ff"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.type", "10"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
    ]),
    ((1700000000, 303299584), "02000000000202000000000108004500001f00014000400126db0a0000010a0000020800309c00010001626164", &[
        ("icmp.checksum", "0x309c"),
        ("icmp.checksum.status", "0"),
        ("icmp.checksum_bad", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "1"),
        ("icmp.ident_le", "256"),
        ("icmp.seq", "1"),
        ("icmp.seq_le", "256"),
        ("icmp.type", "8"),
        ("frame.protocols", "eth:ethertype:ip:icmp:data"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
        ("data.len", "3"),
    ]),
    ((1700000000, 313299712), "02000000000202000000000108004500001600014000400126e40a0000010a0000020800", &[
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
    ]),
    ((1700000000, 323299584), "02000000000202000000000108004500001a00014000400126e00a0000010a0000020800f7fe0001", &[
        ("icmp.checksum", "0xf7fe"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "0"),
        ("icmp.ident", "1"),
        ("icmp.ident_le", "256"),
        ("icmp.type", "8"),
        ("frame.protocols", "eth:ethertype:ip:icmp"),
        ("ip.src", "10.0.0.1"),
        ("ip.dst", "10.0.0.2"),
    ]),
    ((1700000000, 333299712), "02000000000202000000000108004500003800014000400126bb0a0000090a0000010303fcf6000000004500002800014000400626cd0a0000010a0000020001000200000003", &[
        ("icmp.checksum", "0xfcf6"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "3"),
        ("icmp.type", "3"),
        ("icmp.unused", "00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:tcp"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("tcp.seq", "3"),
    ]),
    ((1700000000, 343299584), "02000000000202000000000108004500004000014000400126b30a0000090a0000010b00f4ff000000004500002400014000400126d60a0000010a00000208006668000100016162636465666768", &[
        ("icmp.checksum", "0xf4ff,0x6668"),
        ("icmp.checksum.status", "1,2"),
        ("icmp.code", "0,0"),
        ("icmp.ident", "1"),
        ("icmp.ident_le", "256"),
        ("icmp.seq", "1"),
        ("icmp.seq_le", "256"),
        ("icmp.type", "11,8"),
        ("icmp.unused", "00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:icmp:data"),
        ("ip.src", "10.0.0.9,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2"),
        ("data.len", "8"),
    ]),
    ((1700000000, 353299712), "02000000000202000000000108004500005f00014000400126940a0000090a0000010303fcfc000000004500004300014000400126b70a0000010a00000203031124000000004500002700014000401126c30a0000010a00000214e90035001344d968656c6c6f20776f726c64", &[
        ("icmp.checksum", "0xfcfc,0x1124"),
        ("icmp.checksum.status", "1,2"),
        ("icmp.code", "3,3"),
        ("icmp.type", "3,3"),
        ("icmp.unused", "00000000,00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip:icmp:ip:udp:dns"),
        ("ip.src", "10.0.0.9,10.0.0.1,10.0.0.1"),
        ("ip.dst", "10.0.0.1,10.0.0.2,10.0.0.2"),
        ("udp.srcport", "5353"),
        ("udp.stream", "0"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 363299584), "02000000000202000000000108004500002600014000400126cd0a0000090a000001030337c30000000045000027000140004011", &[
        ("icmp.checksum", "0x37c3"),
        ("icmp.checksum.status", "1"),
        ("icmp.code", "3"),
        ("icmp.type", "3"),
        ("icmp.unused", "00000000"),
        ("frame.protocols", "eth:ethertype:ip:icmp:ip"),
        ("ip.src", "10.0.0.9"),
        ("ip.dst", "10.0.0.1"),
    ]),
    ((1700000000, 373299712), "02000000000202000000000186dd6000000000433a40fe800000000000000000000000000002fe8000000000000000000000000000010100904e000000006000000000131140fe800000000000000000000000000001fe80000000000000000000000000000214e9003500135bd768656c6c6f20776f726c64", &[
        ("icmpv6.checksum", "0x904e"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.reserved", "00000000"),
        ("icmpv6.type", "1"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:ipv6:udp:dns"),
        ("ipv6.src", "fe80::2,fe80::1"),
        ("udp.srcport", "5353"),
        ("udp.stream", "1"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 413299456), "02000000000202000000000186dd6000000000433a40fe800000000000000000000000000002fe80000000000000000000000000000102008a4e000005006000000000131140fe800000000000000000000000000001fe80000000000000000000000000000214e9003500135bd768656c6c6f20776f726c64", &[
        ("icmpv6.checksum", "0x8a4e"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.mtu", "1280"),
        ("icmpv6.type", "2"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:ipv6:udp:dns"),
        ("ipv6.src", "fe80::2,fe80::1"),
        ("udp.srcport", "5353"),
        ("udp.stream", "1"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 433299456), "02000000000202000000000186dd6000000000433a40fe800000000000000000000000000002fe80000000000000000000000000000104018d25000000286000000000131140fe800000000000000000000000000001fe80000000000000000000000000000214e9003500135bd768656c6c6f20776f726c64", &[
        ("icmpv6.checksum", "0x8d25"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "1"),
        ("icmpv6.pointer", "40"),
        ("icmpv6.type", "4"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:ipv6:udp:dns"),
        ("ipv6.src", "fe80::2,fe80::1"),
        ("udp.srcport", "5353"),
        ("udp.stream", "1"),
        ("udp.checksum.status", "1"),
    ]),
    ((1700000000, 443299584), "02000000000202000000000186dd6000000000443a40fe800000000000000000000000000002fe80000000000000000000000000000101049b3e000000006000000000140640fe800000000000000000000000000001fe80000000000000000000000000000200070008000000090000000a5002000bb2b10000", &[
        ("icmpv6.checksum", "0x9b3e"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "4"),
        ("icmpv6.reserved", "00000000"),
        ("icmpv6.type", "1"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:ipv6:tcp"),
        ("ipv6.src", "fe80::2,fe80::1"),
        ("tcp.stream", "0"),
        ("tcp.seq", "9"),
    ]),
    ((1700000000, 453299456), "02000000000202000000000186dd6000000000103a40fe800000000000000000000000000001fe8000000000000000000000000000028000ca820099000170696e6764617461", &[
        ("icmpv6.checksum", "0xca82"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.echo.identifier", "0x0099"),
        ("icmpv6.echo.sequence_number", "1"),
        ("icmpv6.type", "128"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:data"),
        ("ipv6.src", "fe80::1"),
        ("data.len", "8"),
    ]),
    ((1700000000, 455299584), "02000000000202000000000186dd6000000000103a40fe800000000000000000000000000002fe8000000000000000000000000000018100c9820099000170696e6764617461", &[
        ("icmpv6.checksum", "0xc982"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.echo.identifier", "0x0099"),
        ("icmpv6.echo.sequence_number", "1"),
        ("icmpv6.resp_to", "31"),
        ("icmpv6.resptime", "2.000128"),
        ("icmpv6.type", "129"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:data"),
        ("ipv6.src", "fe80::2"),
        ("data.len", "8"),
    ]),
    ((1700000000, 465299712), "02000000000202000000000186dd6000000000103afffe800000000000000000000000000001fe80000000000000000000000000000285007aae000000000101020000000001", &[
        ("icmpv6.checksum", "0x7aae"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.opt", "1"),
        ("icmpv6.opt.length", "1"),
        ("icmpv6.opt.linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.src_linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.type", "1"),
        ("icmpv6.reserved", "00000000"),
        ("icmpv6.type", "133"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 475299584), "02000000000202000000000186dd6000000000583afffe800000000000000000000000000002fe800000000000000000000000000001860068fa40c8070800007530000003e8010102000000000105010000000005dc030440c000015180000038400000000020010db8000000000000000000000000190300000000025820010db8000000000000000000000053", &[
        ("icmpv6.checksum", "0x68fa"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.nd.ra.cur_hop_limit", "64"),
        ("icmpv6.nd.ra.flag", "0xc8"),
        ("icmpv6.nd.ra.flag.h", "0"),
        ("icmpv6.nd.ra.flag.m", "1"),
        ("icmpv6.nd.ra.flag.o", "1"),
        ("icmpv6.nd.ra.flag.p", "0"),
        ("icmpv6.nd.ra.flag.prf", "1"),
        ("icmpv6.nd.ra.flag.rsv", "0"),
        ("icmpv6.nd.ra.reachable_time", "30000"),
        ("icmpv6.nd.ra.retrans_timer", "1000"),
        ("icmpv6.nd.ra.router_lifetime", "1800"),
        ("icmpv6.opt", "1,1,1,1"),
        ("icmpv6.opt.length", "1,1,4,3"),
        ("icmpv6.opt.linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.mtu", "1500"),
        ("icmpv6.opt.prefix", "2001:db8::"),
        ("icmpv6.opt.prefix.flag", "0xc0"),
        ("icmpv6.opt.prefix.flag.a", "1"),
        ("icmpv6.opt.prefix.flag.l", "1"),
        ("icmpv6.opt.prefix.flag.r", "0"),
        ("icmpv6.opt.prefix.flag.reserved", "0"),
        ("icmpv6.opt.prefix.length", "64"),
        ("icmpv6.opt.prefix.preferred_lifetime", "14400"),
        ("icmpv6.opt.prefix.valid_lifetime", "86400"),
        ("icmpv6.opt.rdnss", "2001:db8::53"),
        ("icmpv6.opt.rdnss.lifetime", "600"),
        ("icmpv6.opt.reserved", "1,1,1"),
        ("icmpv6.opt.src_linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.type", "1,5,3,25"),
        ("icmpv6.type", "134"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::2"),
    ]),
    ((1700000000, 485299712), "02000000000202000000000186dd6000000000203afffe800000000000000000000000000001fe80000000000000000000000000000287007a1b00000000fe8000000000000000000000000000020101020000000001", &[
        ("icmpv6.checksum", "0x7a1b"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.nd.ns.target_address", "fe80::2"),
        ("icmpv6.opt", "1"),
        ("icmpv6.opt.length", "1"),
        ("icmpv6.opt.linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.src_linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.type", "1"),
        ("icmpv6.reserved", "00000000"),
        ("icmpv6.type", "135"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 495299584), "02000000000202000000000186dd6000000000203afffe800000000000000000000000000002fe8000000000000000000000000000018800981ae0000000fe8000000000000000000000000000020201020000000001", &[
        ("icmpv6.checksum", "0x981a"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.nd.na.flag", "0xe0000000"),
        ("icmpv6.nd.na.flag.o", "1"),
        ("icmpv6.nd.na.flag.r", "1"),
        ("icmpv6.nd.na.flag.rsv", "0"),
        ("icmpv6.nd.na.flag.s", "1"),
        ("icmpv6.nd.na.target_address", "fe80::2"),
        ("icmpv6.opt", "1"),
        ("icmpv6.opt.length", "1"),
        ("icmpv6.opt.linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.target_linkaddr", "02:00:00:00:00:01"),
        ("icmpv6.opt.type", "2"),
        ("icmpv6.type", "136"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::2"),
    ]),
    ((1700000000, 505299456), "02000000000202000000000186dd6000000000603afffe800000000000000000000000000002fe800000000000000000000000000001890098f300000000fe800000000000000000000000000002fe80000000000000000000000000000104070000000000006000000000131140fe800000000000000000000000000001fe80000000000000000000000000000214e9003500135bd7", &[
        ("icmpv6.checksum", "0x98f3"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.nd.rd.target_address", "fe80::2"),
        ("icmpv6.opt", "1"),
        ("icmpv6.opt.length", "7"),
        ("icmpv6.opt.redirected_packet", "1"),
        ("icmpv6.opt.reserved", "1"),
        ("icmpv6.opt.type", "4"),
        ("icmpv6.rd.na.destination_address", "fe80::1"),
        ("icmpv6.reserved", "00000000"),
        ("icmpv6.type", "137"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6:ipv6:udp"),
        ("ipv6.src", "fe80::2,fe80::1"),
        ("udp.srcport", "5353"),
        ("udp.stream", "1"),
        ("udp.checksum.status", "2"),
    ]),
    ((1700000000, 515299584), "02000000000202000000000186dd6000000000183a01fe800000000000000000000000000001fe800000000000000000000000000002820059982710000000000000000000000000000000000000", &[
        ("icmpv6.checksum", "0x5998"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.mld.maximum_response_delay", "10000"),
        ("icmpv6.mld.multicast_address", "::"),
        ("icmpv6.reserved", "0000"),
        ("icmpv6.type", "130"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 545299456), "02000000000202000000000186dd60000000002c3a01fe800000000000000000000000000001fe8000000000000000000000000000028200508427100000000000000000000000000000000000000a7d0001fe800000000000000000000000000001", &[
        ("icmpv6.checksum", "0x5084"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.mld.flag", "0x0a"),
        ("icmpv6.mld.flag.qrv", "2"),
        ("icmpv6.mld.flag.reserved", "0"),
        ("icmpv6.mld.flag.s", "1"),
        ("icmpv6.mld.maximum_response_code", "10000"),
        ("icmpv6.mld.multicast_address", "::"),
        ("icmpv6.mld.nb_sources", "1"),
        ("icmpv6.mld.qqi", "125"),
        ("icmpv6.mld.source_address", "fe80::1"),
        ("icmpv6.reserved", "0000"),
        ("icmpv6.type", "130"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 555299584), "02000000000202000000000186dd6000000000403a01fe800000000000000000000000000001fe8000000000000000000000000000028f006efe0000000204000001ff0200000000000000000000000000fbfe80000000000000000000000000000102000000ff0200000000000000000000000000fc", &[
        ("icmpv6.checksum", "0x6efe"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.mldr.mar", "1,1"),
        ("icmpv6.mldr.mar.aux_data_len", "0,0"),
        ("icmpv6.mldr.mar.multicast_address", "ff02::fb,ff02::fc"),
        ("icmpv6.mldr.mar.nb_sources", "1,0"),
        ("icmpv6.mldr.mar.record_type", "4,2"),
        ("icmpv6.mldr.mar.source_address", "fe80::1"),
        ("icmpv6.mldr.nb_mcast_records", "2"),
        ("icmpv6.reserved", "0000"),
        ("icmpv6.type", "143"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 565299456), "02000000000202000000000186dd6000000000083a40fe800000000000000000000000000001fe800000000000000000000000000002c80575ec61626364", &[
        ("icmpv6.checksum", "0x75ec"),
        ("icmpv6.checksum.status", "1"),
        ("icmpv6.code", "5"),
        ("icmpv6.data", "61626364"),
        ("icmpv6.type", "200"),
        ("icmpv6.undecoded.type", "1"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
    ((1700000000, 575299584), "02000000000202000000000186dd6000000000083a40fe800000000000000000000000000001fe800000000000000000000000000002800083b600010001", &[
        ("icmpv6.checksum", "0x83b6"),
        ("icmpv6.checksum.status", "0"),
        ("icmpv6.checksum_bad.expert", "1"),
        ("icmpv6.code", "0"),
        ("icmpv6.echo.identifier", "0x0001"),
        ("icmpv6.echo.sequence_number", "1"),
        ("icmpv6.type", "128"),
        ("frame.protocols", "eth:ethertype:ipv6:icmpv6"),
        ("ipv6.src", "fe80::1"),
    ]),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// As `-T fields` prints it: a present field without a value is `1`.
fn val(p: &Packet, abbrev: &str) -> String {
    p.values(abbrev)
        .iter()
        .map(|n| match n.value {
            Value::None => "1".to_string(),
            _ => field_value(n.def, &n.value),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `frame.protocols` up to the first transport (application layers differ by design).
fn up_to_transport(s: &str) -> String {
    let mut out = Vec::new();
    for p in s.split(':') {
        out.push(p);
        if matches!(p, "tcp" | "udp" | "sctp") {
            break;
        }
    }
    out.join(":")
}

#[test]
fn icmp_fields_agree_with_tshark() {
    let ours: Vec<&str> = crate::net::icmp::fields()
        .iter()
        .filter(|f| f.ftype != crate::tree::FieldType::Protocol)
        .map(|f| f.abbrev)
        .collect();
    let mut d = Dissector::new(Config::default());
    for (i, ((secs, nanos), hex, want)) in CASES.iter().enumerate() {
        let data = unhex(hex);
        let frame = Frame {
            number: i as u64 + 1,
            ts_sec: i64::from(*secs),
            ts_nsec: *nanos,
            linktype: linktype::ETHERNET,
            orig_len: data.len() as u32,
            data,
            ..Frame::default()
        };
        let p = d.dissect(frame);
        for (field, v) in want.iter() {
            let got = val(&p, field);
            if *field == "frame.protocols" {
                assert_eq!(up_to_transport(&got), up_to_transport(v), "frame {}: {field}", i + 1);
            } else {
                assert_eq!(got, *v, "frame {}: {field}", i + 1);
            }
        }
        for f in &ours {
            if !want.iter().any(|(w, _)| w == f) {
                assert_eq!(val(&p, f), "", "frame {}: {f} is not in tshark's output", i + 1);
            }
        }
    }
}

#[test]
fn truncated_and_mutated_messages_do_not_panic() {
    let mut rng = 0x9e37_79b9u32;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    for ((secs, nanos), hex, _) in CASES.iter() {
        let full = unhex(hex);
        let mut d = Dissector::new(Config::default());
        let mut run = |data: Vec<u8>| {
            let f = Frame {
                ts_sec: i64::from(*secs),
                ts_nsec: *nanos,
                linktype: linktype::ETHERNET,
                orig_len: data.len() as u32,
                data,
                ..Frame::default()
            };
            let _ = d.dissect(f);
        };
        for n in 0..=full.len() {
            run(full[..n].to_vec());
        }
        for _ in 0..50 {
            let mut m = full.clone();
            // Keep Ethernet and the IP header's first bytes; flip bytes after them.
            for _ in 0..4 {
                let i = 16 + (next() as usize) % m.len().saturating_sub(16).max(1);
                if let Some(b) = m.get_mut(i) {
                    *b = next() as u8;
                }
            }
            run(m);
        }
    }
}
