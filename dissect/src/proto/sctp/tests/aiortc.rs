//! The aiortc test packets (RFC-shaped single packets of every common chunk, two of them
//! malformed on purpose): every field checked against tshark, and the wire model's round trip.

use super::*;

/// The aiortc test packets, from the common header on (aiortc-sctp-raw/raw/*.bin; frames 1-17
/// of aiortc-sctp-chunks.pcap are the same packets in this order).
pub(super) const AIORTC: &[(&str, &[u8])] = &[
    (
        "sctp_abort.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xe0, 0x59, 0x57, 0xc2, 0x14, 0x3e, 0xff, 0xc0, 0x06, 0x00, 0x00, 0x3b, 0x00, 0x0d,
            0x00, 0x37, 0x45, 0x78, 0x70, 0x65, 0x63, 0x74, 0x65, 0x64, 0x20, 0x42, 0x2d, 0x62, 0x69, 0x74, 0x20, 0x66,
            0x6f, 0x72, 0x20, 0x54, 0x53, 0x4e, 0x3d, 0x34, 0x63, 0x65, 0x31, 0x66, 0x31, 0x37, 0x66, 0x2c, 0x20, 0x53,
            0x49, 0x44, 0x3d, 0x30, 0x30, 0x30, 0x31, 0x2c, 0x20, 0x53, 0x53, 0x4e, 0x3d, 0x30, 0x30, 0x30, 0x30, 0x00,
        ],
    ),
    (
        "sctp_cookie_echo.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x3d, 0xf2, 0x42, 0x8d, 0xca, 0x75, 0x47, 0xbd, 0x0a, 0x00, 0x00, 0x0c, 0x31, 0x32,
            0x33, 0x34, 0x35, 0x36, 0x37, 0x38,
        ],
    ),
    (
        "sctp_data.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x0f, 0xc0, 0xf8, 0xa1, 0x3f, 0x30, 0xfe, 0x9c, 0x00, 0x03, 0x00, 0x14, 0x9a, 0x0f,
            0x13, 0xfd, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x33, 0x70, 0x69, 0x6e, 0x67,
        ],
    ),
    (
        "sctp_data_padding.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x0f, 0xc0, 0xf8, 0xa1, 0x85, 0x21, 0x7d, 0xad, 0x00, 0x03, 0x00, 0x11, 0x9a, 0x0f,
            0x13, 0xfd, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x33, 0x4d, 0x00, 0x00, 0x00,
        ],
    ),
    (
        "sctp_data_truncated.bin",
        &[0x13, 0x88, 0x13, 0x88, 0x00, 0x00, 0x00, 0x00, 0x8f, 0x0a, 0xd3, 0xe0, 0x00, 0x00, 0x00, 0x08],
    ),
    (
        "sctp_data_zero_length.bin",
        &[0x13, 0x88, 0x13, 0x88, 0x00, 0x00, 0x00, 0x00, 0x40, 0x52, 0x0a, 0x6a, 0x00, 0x00, 0x00, 0x00],
    ),
    (
        "sctp_error.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xe0, 0x59, 0x57, 0xc2, 0xfc, 0xe5, 0x7e, 0x65, 0x09, 0x00, 0x00, 0x0c, 0x00, 0x01,
            0x00, 0x08, 0x30, 0x39, 0x00, 0x00,
        ],
    ),
    (
        "sctp_forward_tsn.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x0f, 0xc0, 0xf8, 0xa1, 0xbf, 0x44, 0xc9, 0xa3, 0xc0, 0x00, 0x00, 0x0c, 0x00, 0x00,
            0x04, 0xd2, 0x00, 0x0c, 0x00, 0x22,
        ],
    ),
    (
        "sctp_heartbeat.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xb8, 0xc7, 0x7f, 0x65, 0x4b, 0xd5, 0x0d, 0x6a, 0x04, 0x00, 0x00, 0x2c, 0x00, 0x01,
            0x00, 0x28, 0xb5, 0x6f, 0xaa, 0x5a, 0x76, 0x5a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x7b, 0x10, 0x00, 0x00, 0x00, 0x34, 0xeb, 0x07, 0x46, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00,
        ],
    ),
    (
        "sctp_init.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x00, 0x00, 0x00, 0x00, 0xae, 0x5f, 0x85, 0x4d, 0x01, 0x00, 0x00, 0x56, 0x24, 0x52,
            0x17, 0x03, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x30, 0x92, 0x61, 0x4b, 0xc0, 0x00, 0x00, 0x04,
            0x80, 0x08, 0x00, 0x09, 0xc0, 0x0f, 0xc1, 0x80, 0x82, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x24, 0x89, 0x99,
            0x27, 0x38, 0x15, 0x6c, 0xa4, 0x69, 0xab, 0xf5, 0xa1, 0x1a, 0xc8, 0x9d, 0xc2, 0x74, 0xaf, 0x07, 0xe5, 0x1a,
            0xb3, 0xfa, 0x38, 0x04, 0x50, 0x17, 0xda, 0x1e, 0x33, 0x90, 0xf1, 0x77, 0x80, 0x04, 0x00, 0x06, 0x00, 0x01,
            0x00, 0x00, 0x80, 0x03, 0x00, 0x06, 0x80, 0xc1, 0x00, 0x00,
        ],
    ),
    (
        "sctp_init_bad_verification.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0x00, 0x00, 0x30, 0x39, 0x94, 0x27, 0x18, 0xd0, 0x01, 0x00, 0x00, 0x56, 0x24, 0x52,
            0x17, 0x03, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x30, 0x92, 0x61, 0x4b, 0xc0, 0x00, 0x00, 0x04,
            0x80, 0x08, 0x00, 0x09, 0xc0, 0x0f, 0xc1, 0x80, 0x82, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x24, 0x89, 0x99,
            0x27, 0x38, 0x15, 0x6c, 0xa4, 0x69, 0xab, 0xf5, 0xa1, 0x1a, 0xc8, 0x9d, 0xc2, 0x74, 0xaf, 0x07, 0xe5, 0x1a,
            0xb3, 0xfa, 0x38, 0x04, 0x50, 0x17, 0xda, 0x1e, 0x33, 0x90, 0xf1, 0x77, 0x80, 0x04, 0x00, 0x06, 0x00, 0x01,
            0x00, 0x00, 0x80, 0x03, 0x00, 0x06, 0x80, 0xc1, 0x00, 0x00,
        ],
    ),
    (
        "sctp_reconfig_add_out.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xe9, 0x0d, 0x96, 0xfe, 0x16, 0xb6, 0xd3, 0xd3, 0x82, 0x00, 0x00, 0x10, 0x00, 0x11,
            0x00, 0x0c, 0xca, 0x02, 0xf6, 0x30, 0x00, 0x10, 0x00, 0x00,
        ],
    ),
    (
        "sctp_reconfig_reset_out.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xc8, 0xe8, 0x6e, 0x6b, 0xe9, 0xe7, 0x05, 0x91, 0x82, 0x00, 0x00, 0x16, 0x00, 0x0d,
            0x00, 0x12, 0x8b, 0xd8, 0x0a, 0x5b, 0xe4, 0x8b, 0xec, 0x73, 0x8b, 0xd8, 0x0a, 0x5e, 0x00, 0x01, 0x00, 0x00,
        ],
    ),
    (
        "sctp_reconfig_response.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xb1, 0xbf, 0x7e, 0xfd, 0x44, 0x37, 0xa9, 0x52, 0x82, 0x00, 0x00, 0x10, 0x00, 0x10,
            0x00, 0x0c, 0x91, 0x53, 0x1f, 0x54, 0x00, 0x00, 0x00, 0x01,
        ],
    ),
    (
        "sctp_sack.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xf7, 0x1f, 0xaf, 0x4b, 0x4f, 0xe6, 0x1a, 0x21, 0x03, 0x00, 0x00, 0x1c, 0x84, 0x7f,
            0x5b, 0x9d, 0x00, 0x01, 0xf4, 0xa0, 0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x04, 0x00, 0x04,
            0x84, 0x7f, 0x5b, 0xa1,
        ],
    ),
    (
        "sctp_shutdown.bin",
        &[
            0x13, 0x88, 0x13, 0x88, 0xef, 0x9c, 0x18, 0x72, 0xca, 0x51, 0x1f, 0x8b, 0x07, 0x00, 0x00, 0x08, 0xa0, 0xb8,
            0x34, 0xd8,
        ],
    ),
    (
        "sctp_shutdown_ack.bin",
        &[0x13, 0x88, 0x13, 0x88, 0x00, 0x00, 0x00, 0x00, 0xb9, 0xa6, 0xd4, 0x5b, 0x08, 0x00, 0x00, 0x04],
    ),
];

/// tshark 4.0.17 on aiortc-sctp-chunks.pcap with `-n -o sctp.checksum:Automatic
/// -o sctp.association_index:TRUE -T fields`: Info, then every non-empty `sctp.*` field we define.
const AIORTC_TSHARK: &[&[(&str, &str)]] = &[
    &[
        ("_ws.col.Info", "ABORT "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xe05957c2"),
        ("sctp.checksum", "0x143effc0"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "6"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "59"),
        ("sctp.chunk_padding", "00"),
        ("sctp.abort_t_bit", "0"),
        ("sctp.cause_code", "0x000d"),
        ("sctp.cause_length", "55"),
        (
            "sctp.cause_information",
            "457870656374656420422d62697420666f722054534e3d34636531663137662c205349443d303030312c2053534e3d30303030",
        ),
        ("sctp.assoc_index", "0"),
    ],
    &[
        ("_ws.col.Info", "COOKIE_ECHO "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x3df2428d"),
        ("sctp.checksum", "0xca7547bd"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "10"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "12"),
        ("sctp.cookie", "3132333435363738"),
        ("sctp.assoc_index", "0"),
    ],
    &[
        ("_ws.col.Info", "DATA (TSN=0) "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x0fc0f8a1"),
        ("sctp.checksum", "0x3f30fe9c"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "0"),
        ("sctp.chunk_flags", "0x03"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "20"),
        ("sctp.data_tsn", "0"),
        ("sctp.data_tsn_raw", "2584679421"),
        ("sctp.data_sid", "0x0001"),
        ("sctp.data_ssn", "1"),
        ("sctp.data_payload_proto_id", "51"),
        ("sctp.data_e_bit", "1"),
        ("sctp.data_b_bit", "1"),
        ("sctp.data_u_bit", "0"),
        ("sctp.data_i_bit", "0"),
        ("sctp.assoc_index", "1"),
    ],
    &[
        ("_ws.col.Info", "DATA (TSN=0) (retransmission) "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x0fc0f8a1"),
        ("sctp.checksum", "0x85217dad"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "0"),
        ("sctp.chunk_flags", "0x03"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "17"),
        ("sctp.chunk_padding", "000000"),
        ("sctp.data_tsn", "0"),
        ("sctp.data_tsn_raw", "2584679421"),
        ("sctp.data_sid", "0x0001"),
        ("sctp.data_ssn", "1"),
        ("sctp.data_payload_proto_id", "51"),
        ("sctp.data_e_bit", "1"),
        ("sctp.data_b_bit", "1"),
        ("sctp.data_u_bit", "0"),
        ("sctp.data_i_bit", "0"),
        ("sctp.retransmission_time", "0.000001000"),
        ("sctp.retransmission", "3"),
        ("sctp.assoc_index", "1"),
    ],
    &[
        ("_ws.col.Info", "DATA [Malformed Packet]"),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x00000000"),
        ("sctp.checksum", "0x8f0ad3e0"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "0"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "8"),
    ],
    &[
        ("_ws.col.Info", "[Malformed Packet]"),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x00000000"),
        ("sctp.checksum", "0x40520a6a"),
        ("sctp.checksum.status", "1"),
    ],
    &[
        ("_ws.col.Info", "ERROR "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xe05957c2"),
        ("sctp.checksum", "0xfce57e65"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "9"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "12"),
        ("sctp.cause_code", "0x0001"),
        ("sctp.cause_length", "8"),
        ("sctp.cause_stream_identifier", "12345"),
        ("sctp.cause_reserved", "0"),
        ("sctp.assoc_index", "1"),
    ],
    &[
        ("_ws.col.Info", "FORWARD_TSN "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x0fc0f8a1"),
        ("sctp.checksum", "0xbf44c9a3"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "192"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "1"),
        ("sctp.chunk_bit_2", "1"),
        ("sctp.chunk_length", "12"),
        ("sctp.forward_tsn_tsn", "1234"),
        ("sctp.forward_tsn_sid", "12"),
        ("sctp.forward_tsn_ssn", "34"),
        ("sctp.assoc_index", "1"),
    ],
    &[
        ("_ws.col.Info", "HEARTBEAT "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xb8c77f65"),
        ("sctp.checksum", "0x4bd50d6a"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "4"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "44"),
        ("sctp.parameter_type", "0x0001"),
        ("sctp.parameter_length", "40"),
        ("sctp.parameter_bit_1", "0"),
        ("sctp.parameter_bit_2", "0"),
        (
            "sctp.parameter_heartbeat_information",
            "b56faa5a765a060000000000000000007b1000000034eb07461000000000000000000000",
        ),
        ("sctp.assoc_index", "2"),
    ],
    &[
        ("_ws.col.Info", "INIT "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x00000000"),
        ("sctp.checksum", "0xae5f854d"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "1"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "86"),
        ("sctp.chunk_padding", "0000"),
        ("sctp.initiate_tag", "0x24521703"),
        ("sctp.init_initiate_tag", "0x24521703"),
        ("sctp.init_credit", "131072"),
        ("sctp.init_nr_out_streams", "256"),
        ("sctp.init_nr_in_streams", "2048"),
        ("sctp.init_initial_tsn", "814899531"),
        ("sctp.parameter_type", "0xc000,0x8008,0x8002,0x8004,0x8003"),
        ("sctp.parameter_length", "4,9,36,6,6"),
        ("sctp.parameter_padding", "000000,0000"),
        ("sctp.parameter_bit_1", "1,1,1,1,1"),
        ("sctp.parameter_bit_2", "1,0,0,0,0"),
        ("sctp.random_number", "89992738156ca469abf5a11ac89dc274af07e51ab3fa38045017da1e3390f177"),
        ("sctp.chunk_type_to_auth", "128,193"),
        ("sctp.hmac_id", "1"),
        ("sctp.supported_chunk_type", "192,15,193,128,130"),
        ("sctp.assoc_index", "2"),
    ],
    &[
        ("_ws.col.Info", "INIT "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x00003039"),
        ("sctp.checksum", "0x942718d0"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "1"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "86"),
        ("sctp.chunk_padding", "0000"),
        ("sctp.initiate_tag", "0x24521703"),
        ("sctp.init_initiate_tag", "0x24521703"),
        ("sctp.init_credit", "131072"),
        ("sctp.init_nr_out_streams", "256"),
        ("sctp.init_nr_in_streams", "2048"),
        ("sctp.init_initial_tsn", "814899531"),
        ("sctp.parameter_type", "0xc000,0x8008,0x8002,0x8004,0x8003"),
        ("sctp.parameter_length", "4,9,36,6,6"),
        ("sctp.parameter_padding", "000000,0000"),
        ("sctp.parameter_bit_1", "1,1,1,1,1"),
        ("sctp.parameter_bit_2", "1,0,0,0,0"),
        ("sctp.random_number", "89992738156ca469abf5a11ac89dc274af07e51ab3fa38045017da1e3390f177"),
        ("sctp.chunk_type_to_auth", "128,193"),
        ("sctp.hmac_id", "1"),
        ("sctp.supported_chunk_type", "192,15,193,128,130"),
        ("sctp.assoc_index", "2"),
    ],
    &[
        ("_ws.col.Info", "RE_CONFIG "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xe90d96fe"),
        ("sctp.checksum", "0x16b6d3d3"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "130"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "1"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "16"),
        ("sctp.parameter_type", "0x0011"),
        ("sctp.parameter_length", "12"),
        ("sctp.parameter_bit_1", "0"),
        ("sctp.parameter_bit_2", "0"),
        ("sctp.parameter_reconfig_request_sequence_number", "3389191728"),
        ("sctp.parameter_add_outgoing_streams_number", "16"),
        ("sctp.parameter_add_outgoing_streams_reserved", "0"),
        ("sctp.assoc_index", "3"),
    ],
    &[
        ("_ws.col.Info", "RE_CONFIG "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xc8e86e6b"),
        ("sctp.checksum", "0xe9e70591"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "130"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "1"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "22"),
        ("sctp.chunk_padding", "0000"),
        ("sctp.parameter_type", "0x000d"),
        ("sctp.parameter_length", "18"),
        ("sctp.parameter_bit_1", "0"),
        ("sctp.parameter_bit_2", "0"),
        ("sctp.parameter_reconfig_request_sequence_number", "2346191451"),
        ("sctp.parameter_reconfig_response_sequence_number", "3834375283"),
        ("sctp.parameter_senders_last_assigned_tsn", "2346191454"),
        ("sctp.parameter_reconfig_sid", "1"),
        ("sctp.assoc_index", "3"),
    ],
    &[
        ("_ws.col.Info", "RE_CONFIG "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xb1bf7efd"),
        ("sctp.checksum", "0x4437a952"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "130"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "1"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "16"),
        ("sctp.parameter_type", "0x0010"),
        ("sctp.parameter_length", "12"),
        ("sctp.parameter_bit_1", "0"),
        ("sctp.parameter_bit_2", "0"),
        ("sctp.parameter_reconfig_response_sequence_number", "2438143828"),
        ("sctp.parameter_reconfig_response_result", "1"),
        ("sctp.assoc_index", "4"),
    ],
    &[
        ("_ws.col.Info", "SACK (Ack=2222939037+4, Arwnd=128160) "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xf71faf4b"),
        ("sctp.checksum", "0x4fe61a21"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "3"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "28"),
        ("sctp.sack_nounce_sum", "0"),
        ("sctp.sack_cumulative_tsn_ack_raw", "2222939037"),
        ("sctp.sack_a_rwnd", "128160"),
        ("sctp.sack_number_of_gap_blocks", "2"),
        ("sctp.sack_number_of_duplicated_tsns", "1"),
        ("sctp.sack_gap_block_start", "2,4"),
        ("sctp.sack_gap_block_start_tsn", "2222939039,2222939041"),
        ("sctp.sack_gap_block_end", "2,4"),
        ("sctp.sack_gap_block_end_tsn", "2222939039,2222939041"),
        ("sctp.sack_number_of_tsns_gap_acked", "2"),
        ("sctp.sack_duplicate_tsn", "2222939041"),
        ("sctp.assoc_index", "4"),
    ],
    &[
        ("_ws.col.Info", "SHUTDOWN "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0xef9c1872"),
        ("sctp.checksum", "0xca511f8b"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "7"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "8"),
        ("sctp.shutdown_cumulative_tsn_ack", "2696426712"),
        ("sctp.assoc_index", "5"),
    ],
    &[
        ("_ws.col.Info", "SHUTDOWN_ACK "),
        ("sctp.srcport", "5000"),
        ("sctp.dstport", "5000"),
        ("sctp.port", "5000,5000"),
        ("sctp.verification_tag", "0x00000000"),
        ("sctp.checksum", "0xb9a6d45b"),
        ("sctp.checksum.status", "1"),
        ("sctp.chunk_type", "8"),
        ("sctp.chunk_flags", "0x00"),
        ("sctp.chunk_bit_1", "0"),
        ("sctp.chunk_bit_2", "0"),
        ("sctp.chunk_length", "4"),
        ("sctp.assoc_index", "5"),
    ],
];

/// Our own nodes that tshark shows as unnamed text items.
fn ours_only(abbrev: &str) -> bool {
    [&hf::CHUNK, &hf::PARAMETER, &hf::CAUSE, &hf::SACK_GAP_BLOCK, &hf::NR_SACK_GAP_BLOCK, &hf::NR_SACK_NR_GAP_BLOCK]
        .iter()
        .any(|d| d.abbrev == abbrev)
}

fn aiortc_packets() -> Vec<Packet> {
    let mut st = State::default();
    AIORTC
        .iter()
        .enumerate()
        .map(|(i, (_, bytes))| {
            let n = i as u64 + 1;
            let f = SctpFrame {
                number: n,
                // The capture's timestamps: one microsecond apart.
                ts: (1795287840, n as u32 * 1000),
                // The capture's addresses (its IPv4 headers): they decide how directions pair.
                src: Some(IpAddr::from([10, 0, 0, 1])),
                dst: Some(IpAddr::from([10, 0, 0, 2])),
                frame: Arc::from(*bytes),
                start: 0,
                end: bytes.len(),
            };
            dissect_one(&f, &Config::default(), &mut st)
        })
        .collect()
}

#[test]
fn every_field_as_tshark_shows_it() {
    let packets = aiortc_packets();
    for (i, p) in packets.iter().enumerate() {
        let name = AIORTC[i].0;
        let want = AIORTC_TSHARK[i];
        let info = want.iter().find(|(k, _)| *k == "_ws.col.Info").map(|(_, v)| *v).unwrap_or("");
        assert_eq!(p.summary.info, info, "{name}: Info");
        assert_eq!(p.summary.protocol, "SCTP", "{name}: Protocol");
        for def in hf::ALL.iter().filter(|d| d.ftype != crate::tree::FieldType::Protocol && !ours_only(d.abbrev)) {
            let w = want.iter().find(|(k, _)| *k == def.abbrev).map(|(_, v)| *v).unwrap_or("");
            assert_eq!(fv(p, def.abbrev), w, "{name}: {}", def.abbrev);
        }
        // Frames 5 and 6 are the two tshark marks malformed.
        assert_eq!(p.malformed, i == 4 || i == 5, "{name}: malformed");
    }
}

#[test]
fn spec_violations_are_reported() {
    let packets = aiortc_packets();
    let msgs = |i: usize| packets[i].experts.iter().map(|e| e.message.clone()).collect::<Vec<_>>();
    // The truncated DATA chunk: tshark's length expert, then the exception.
    assert!(msgs(4).contains(&"Chunk length (8) is longer than remaining data (4) in the packet.".to_string()));
    assert!(msgs(4).contains(&"Malformed Packet (Exception occurred)".to_string()));
    // The INIT sent with a verification tag of 0x3039.
    assert!(msgs(10).iter().any(|m| m.contains("RFC 4960 §8.5.1")), "{:?}", msgs(10));
    assert!(!msgs(9).iter().any(|m| m.contains("§8.5.1")));
    // The retransmitted DATA.
    assert!(msgs(3).contains(&"Retransmitted TSN".to_string()));
    // Clean packets carry no warnings or errors.
    for i in [0, 1, 2, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16] {
        assert!(
            packets[i].experts.iter().all(|e| e.severity < crate::tree::Severity::Warning),
            "{}: {:?}",
            AIORTC[i].0,
            packets[i].experts
        );
    }
}

#[test]
fn wire_model_round_trips_the_packets() {
    for (name, bytes) in AIORTC {
        match chunk::Packet::parse(bytes) {
            Ok(p) => {
                let mut out = vec![0xa5; 3];
                p.emit(&mut out);
                assert_eq!(&out[3..], *bytes, "{name}: emit(parse(x)) == x");
                assert_eq!(crc::verify(bytes), Some(ChecksumKind::Crc32c), "{name}");
            }
            Err(e) => {
                // Only the two malformed ones fail, at the chunk length.
                let want = match *name {
                    "sctp_data_truncated.bin" => {
                        ParseError::Truncated { offset: 16, what: "chunk value", needed: 4, available: 0 }
                    }
                    "sctp_data_zero_length.bin" => {
                        ParseError::BadLength { offset: 14, what: "chunk length", expected: ">= 4", found: 0 }
                    }
                    _ => panic!("{name}: {e}"),
                };
                assert_eq!(e, want, "{name}");
            }
        }
    }
}

#[test]
fn typed_values_of_the_packets() {
    let get = |n: &str| chunk::Packet::parse(AIORTC.iter().find(|(k, _)| *k == n).unwrap().1).unwrap();
    // Values as tshark shows them (see AIORTC_TSHARK).
    let p = get("sctp_init.bin");
    assert_eq!(p.header, CommonHeader { src_port: 5000, dst_port: 5000, verification_tag: 0, checksum: 0xae5f854d });
    let Chunk::Init(i) = &p.chunks[0] else { panic!("{:?}", p.chunks) };
    assert_eq!((i.initiate_tag, i.a_rwnd, i.outbound_streams, i.inbound_streams), (0x24521703, 131072, 256, 2048));
    assert_eq!(i.initial_tsn, 814899531);
    assert_eq!(
        i.params,
        vec![
            Param::ForwardTsnSupported,
            Param::SupportedExtensions(vec![
                ChunkType::FORWARD_TSN,
                ChunkType::AUTH,
                ChunkType::ASCONF,
                ChunkType::ASCONF_ACK,
                ChunkType::RE_CONFIG
            ]),
            Param::Random(&[
                0x89, 0x99, 0x27, 0x38, 0x15, 0x6c, 0xa4, 0x69, 0xab, 0xf5, 0xa1, 0x1a, 0xc8, 0x9d, 0xc2, 0x74, 0xaf,
                0x07, 0xe5, 0x1a, 0xb3, 0xfa, 0x38, 0x04, 0x50, 0x17, 0xda, 0x1e, 0x33, 0x90, 0xf1, 0x77
            ]),
            Param::HmacAlgo(vec![1]),
            Param::ChunkList(vec![ChunkType::ASCONF_ACK, ChunkType::ASCONF]),
        ]
    );
    let p = get("sctp_forward_tsn.bin");
    assert_eq!(
        p.chunks,
        vec![Chunk::ForwardTsn { new_cum_tsn: 1234, streams: vec![ForwardTsnStream { stream_id: 12, ssn: 34 }] }]
    );
    let p = get("sctp_abort.bin");
    assert_eq!(
        p.chunks,
        vec![Chunk::Abort {
            tag_reflected: false,
            causes: vec![Cause::ProtocolViolation { info: b"Expected B-bit for TSN=4ce1f17f, SID=0001, SSN=0000" }]
        }]
    );
    let p = get("sctp_shutdown.bin");
    assert_eq!(p.chunks, vec![Chunk::Shutdown { cum_tsn_ack: 2696426712 }]);
    let p = get("sctp_cookie_echo.bin");
    assert_eq!(p.chunks, vec![Chunk::CookieEcho { cookie: b"12345678" }]);
    let p = get("sctp_heartbeat.bin");
    let Chunk::Heartbeat { params } = &p.chunks[0] else { panic!() };
    assert!(matches!(params[..], [Param::HeartbeatInfo(i)] if i.len() == 36));
    assert_eq!(get("sctp_shutdown_ack.bin").chunks, vec![Chunk::ShutdownAck]);
}
