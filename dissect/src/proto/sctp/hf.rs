//! Field definitions: tshark 4.0's `sctp.*` names, labels, types, bases and value strings
//! (checked against `tshark -G fields` and `tshark -G values` by a test), plus a few subtree
//! nodes of our own (`sctp.chunk`, `sctp.parameter`, `sctp.cause`, gap blocks) where tshark
//! uses unnamed text items.
#![allow(missing_docs)]

use crate::tree::{Base, FieldDef, FieldType};

pub static SCTP: FieldDef = FieldDef::proto("sctp", "Stream Control Transmission Protocol");

pub static CHECKSUM_STATUS_VALS: &[(u64, &str)] =
    &[(0, "Bad"), (1, "Good"), (2, "Unverified"), (3, "Not present"), (4, "Illegal")];
pub static CHUNK_TYPE_VALS: &[(u64, &str)] = &[
    (0, "DATA"),
    (1, "INIT"),
    (2, "INIT_ACK"),
    (3, "SACK"),
    (4, "HEARTBEAT"),
    (5, "HEARTBEAT_ACK"),
    (6, "ABORT"),
    (7, "SHUTDOWN"),
    (8, "SHUTDOWN_ACK"),
    (9, "ERROR"),
    (10, "COOKIE_ECHO"),
    (11, "COOKIE_ACK"),
    (12, "ECNE"),
    (13, "CWR"),
    (14, "SHUTDOWN_COMPLETE"),
    (15, "AUTH"),
    (16, "NR_SACK"),
    (64, "I_DATA"),
    (128, "ASCONF_ACK"),
    (129, "PKTDROP"),
    (130, "RE_CONFIG"),
    (132, "PAD"),
    (192, "FORWARD_TSN"),
    (193, "ASCONF"),
    (194, "I_FORWARD_TSN"),
    (255, "IETF_EXTENSION"),
];
pub static PPID_VALS: &[(u64, &str)] = &[
    (0, "not specified"),
    (1, "IUA"),
    (2, "M2UA"),
    (3, "M3UA"),
    (4, "SUA"),
    (5, "M2PA"),
    (6, "V5UA"),
    (7, "H.248/MEGACO"),
    (8, "BICC/Q.2150.3"),
    (9, "TALI"),
    (10, "DUA"),
    (11, "ASAP"),
    (12, "ENRP"),
    (13, "H.323"),
    (14, "Q.IPC/Q.2150.3"),
    (15, "SIMCO"),
    (16, "DDP Segment Chunk"),
    (17, "DDP Stream Session Control"),
    (18, "S1 Application Protocol (S1AP)"),
    (19, "RUA"),
    (20, "HNBAP"),
    (21, "ForCES-HP"),
    (22, "ForCES-MP"),
    (23, "ForCES-LP"),
    (24, "SBc-AP"),
    (25, "NBAP"),
    (26, "Unassigned"),
    (27, "X2AP"),
    (28, "IRCP"),
    (29, "LCS-AP"),
    (30, "MPICH2"),
    (31, "SABP"),
    (32, "Fractal Generator Protocol"),
    (33, "Ping Pong Protocol"),
    (34, "CalcApp Protocol"),
    (35, "Scripting Service Protocol"),
    (36, "NetPerfMeter Control"),
    (37, "NetPerfMeter Data"),
    (38, "Echo"),
    (39, "Discard"),
    (40, "Daytime"),
    (41, "Character Generator"),
    (42, "3GPP RNA"),
    (43, "3GPP M2AP"),
    (44, "3GPP M3AP"),
    (45, "SSH"),
    (46, "DIAMETER"),
    (47, "DIAMETER over DTLS"),
    (48, "R14P"),
    (49, "Generic Data Transfer Protocol (GDT)"),
    (50, "WebRTC Control"),
    (51, "WebRTC String"),
    (52, "WebRTC Binary Partial (Deprecated)"),
    (53, "WebRTC Binary"),
    (54, "WebRTC String Partial (Deprecated)"),
    (55, "3GPP PUA"),
    (56, "WebRTC String Empty"),
    (57, "WebRTC Binary Empty"),
    (58, "XwAP"),
    (59, "Xw - Control Plane"),
    (60, "NGAP"),
    (61, "XnAP"),
    (62, "F1 AP"),
    (65, "ELE2 Lawful Interception"),
    (66, "NGAP over DTLS"),
    (67, "XnAP over DTLS"),
    (68, "F1AP over DTLS"),
    (69, "E1AP over DTLS"),
    (70, "E2-CP"),
    (71, "E2-UP"),
    (72, "E2-DU"),
    (73, "W1AP"),
];
pub static PARAM_TYPE_VALS: &[(u64, &str)] = &[
    (0x1, "Heartbeat info"),
    (0x5, "IPv4 address"),
    (0x6, "IPv6 address"),
    (0x7, "State cookie"),
    (0x8, "Unrecognized parameter"),
    (0x9, "Cookie preservative"),
    (0xb, "Hostname address"),
    (0xd, "Outgoing SSN reset request"),
    (0xe, "Incoming SSN reset request"),
    (0xf, "SSN/TSN reset request"),
    (0x10, "Re-configuration response"),
    (0x11, "Add outgoing streams request"),
    (0x12, "Add incoming streams request"),
    (0xc, "Supported address types"),
    (0x8000, "ECN"),
    (0x8002, "Random"),
    (0x8003, "Authenticated Chunk list"),
    (0x8004, "Requested HMAC Algorithm"),
    (0x8008, "Supported Extensions"),
    (0xc000, "Forward TSN supported"),
    (0xc001, "Add IP address"),
    (0xc002, "Delete IP address"),
    (0xc003, "Error cause indication"),
    (0xc004, "Set primary address"),
    (0xc005, "Success report"),
    (0xc006, "Adaptation Layer Indication"),
];
pub static ADDRESS_TYPE_VALS: &[(u64, &str)] = &[(5, "IPv4 address"), (6, "IPv6 address"), (11, "Hostname address")];
pub static RECONFIG_RESULT_VALS: &[(u64, &str)] = &[
    (0, "Nothing to do"),
    (1, "Performed"),
    (2, "Denied"),
    (3, "Error - Wrong SSN"),
    (4, "Error - Request already in progress"),
    (5, "Error - Bad sequence number"),
    (6, "In progress"),
];
pub static HMAC_ID_VALS: &[(u64, &str)] = &[(0, "Reserved"), (1, "SHA-1"), (2, "Reserved"), (3, "SHA-256")];
pub static CAUSE_CODE_VALS: &[(u64, &str)] = &[
    (0x1, "Invalid stream identifier"),
    (0x2, "Missing mandatory parameter"),
    (0x3, "Stale cookie error"),
    (0x4, "Out of resource"),
    (0x5, "Unresolvable address"),
    (0x6, "Unrecognized chunk type"),
    (0x7, "Invalid mandatory parameter"),
    (0x8, "Unrecognized parameters"),
    (0x9, "No user data"),
    (0xa, "Cookie received while shutting down"),
    (0xb, "Restart of an association with new addresses"),
    (0xc, "User initiated ABORT"),
    (0xd, "Protocol violation"),
    (0xa0, "Request to delete last address"),
    (0xa1, "Operation refused due to resource shortage"),
    (0xa2, "Request to delete source address"),
    (0xa3, "Association Aborted due to illegal ASCONF-ACK"),
    (0xa4, "Request refused - no authorization"),
    (0x105, "Unsupported HMAC identifier"),
];

pub static SRCPORT: FieldDef = FieldDef::new("sctp.srcport", "Source port", FieldType::U16, Base::Dec);
pub static DSTPORT: FieldDef = FieldDef::new("sctp.dstport", "Destination port", FieldType::U16, Base::Dec);
pub static PORT: FieldDef = FieldDef::new("sctp.port", "Port", FieldType::U16, Base::Dec);
pub static VERIFICATION_TAG: FieldDef =
    FieldDef::new("sctp.verification_tag", "Verification tag", FieldType::U32, Base::Hex);
pub static CHECKSUM: FieldDef = FieldDef::new("sctp.checksum", "Checksum", FieldType::U32, Base::Hex);
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("sctp.checksum.status", "Checksum Status", FieldType::U8, Base::None).strings(CHECKSUM_STATUS_VALS);
pub static CHUNK_TYPE: FieldDef =
    FieldDef::new("sctp.chunk_type", "Chunk type", FieldType::U8, Base::Dec).strings(CHUNK_TYPE_VALS);
pub static CHUNK_FLAGS: FieldDef = FieldDef::new("sctp.chunk_flags", "Chunk flags", FieldType::U8, Base::Hex);
pub static CHUNK_BIT_1: FieldDef = FieldDef::new("sctp.chunk_bit_1", "Bit", FieldType::Bool, Base::None).mask(0x80);
pub static CHUNK_BIT_2: FieldDef = FieldDef::new("sctp.chunk_bit_2", "Bit", FieldType::Bool, Base::None).mask(0x40);
pub static CHUNK_LENGTH: FieldDef = FieldDef::new("sctp.chunk_length", "Chunk length", FieldType::U16, Base::Dec);
pub static CHUNK_PADDING: FieldDef = FieldDef::new("sctp.chunk_padding", "Chunk padding", FieldType::Bytes, Base::None);
pub static CHUNK_VALUE: FieldDef = FieldDef::new("sctp.chunk_value", "Chunk value", FieldType::Bytes, Base::None);
pub static COOKIE: FieldDef = FieldDef::new("sctp.cookie", "Cookie", FieldType::Bytes, Base::None);
pub static INITIATE_TAG: FieldDef = FieldDef::new("sctp.initiate_tag", "Initiate tag", FieldType::U32, Base::Hex);
pub static INIT_INITIATE_TAG: FieldDef =
    FieldDef::new("sctp.init_initiate_tag", "Initiate tag", FieldType::U32, Base::Hex);
pub static INIT_CREDIT: FieldDef =
    FieldDef::new("sctp.init_credit", "Advertised receiver window credit (a_rwnd)", FieldType::U32, Base::Dec);
pub static INIT_NR_OUT_STREAMS: FieldDef =
    FieldDef::new("sctp.init_nr_out_streams", "Number of outbound streams", FieldType::U16, Base::Dec);
pub static INIT_NR_IN_STREAMS: FieldDef =
    FieldDef::new("sctp.init_nr_in_streams", "Number of inbound streams", FieldType::U16, Base::Dec);
pub static INIT_INITIAL_TSN: FieldDef =
    FieldDef::new("sctp.init_initial_tsn", "Initial TSN", FieldType::U32, Base::Dec);
pub static INITACK_INITIATE_TAG: FieldDef =
    FieldDef::new("sctp.initack_initiate_tag", "Initiate tag", FieldType::U32, Base::Hex);
pub static INITACK_CREDIT: FieldDef =
    FieldDef::new("sctp.initack_credit", "Advertised receiver window credit (a_rwnd)", FieldType::U32, Base::Dec);
pub static INITACK_NR_OUT_STREAMS: FieldDef =
    FieldDef::new("sctp.initack_nr_out_streams", "Number of outbound streams", FieldType::U16, Base::Dec);
pub static INITACK_NR_IN_STREAMS: FieldDef =
    FieldDef::new("sctp.initack_nr_in_streams", "Number of inbound streams", FieldType::U16, Base::Dec);
pub static INITACK_INITIAL_TSN: FieldDef =
    FieldDef::new("sctp.initack_initial_tsn", "Initial TSN", FieldType::U32, Base::Dec);
pub static DATA_TSN: FieldDef =
    FieldDef::new("sctp.data_tsn", "Transmission sequence number (relative)", FieldType::U32, Base::Dec);
pub static DATA_TSN_RAW: FieldDef =
    FieldDef::new("sctp.data_tsn_raw", "Transmission sequence number (absolute)", FieldType::U32, Base::Dec);
pub static DATA_SID: FieldDef = FieldDef::new("sctp.data_sid", "Stream identifier", FieldType::U16, Base::Hex);
pub static DATA_SSN: FieldDef = FieldDef::new("sctp.data_ssn", "Stream sequence number", FieldType::U16, Base::Dec);
pub static DATA_PAYLOAD_PROTO_ID: FieldDef =
    FieldDef::new("sctp.data_payload_proto_id", "Payload protocol identifier", FieldType::U32, Base::Dec)
        .strings(PPID_VALS);
pub static DATA_RESERVED: FieldDef = FieldDef::new("sctp.data_reserved", "Reserved", FieldType::U16, Base::Dec);
pub static DATA_MID: FieldDef = FieldDef::new("sctp.data_mid", "Message identifier", FieldType::U32, Base::Dec);
pub static DATA_FSN: FieldDef = FieldDef::new("sctp.data_fsn", "Fragment sequence number", FieldType::U32, Base::Dec);
pub static DATA_E_BIT: FieldDef = FieldDef::new("sctp.data_e_bit", "E-Bit", FieldType::Bool, Base::None).mask(0x1);
pub static DATA_B_BIT: FieldDef = FieldDef::new("sctp.data_b_bit", "B-Bit", FieldType::Bool, Base::None).mask(0x2);
pub static DATA_U_BIT: FieldDef = FieldDef::new("sctp.data_u_bit", "U-Bit", FieldType::Bool, Base::None).mask(0x4);
pub static DATA_I_BIT: FieldDef = FieldDef::new("sctp.data_i_bit", "I-Bit", FieldType::Bool, Base::None).mask(0x8);
pub static SACK_NOUNCE_SUM: FieldDef =
    FieldDef::new("sctp.sack_nounce_sum", "Nounce sum", FieldType::U8, Base::Dec).mask(0x1);
pub static SACK_CUMULATIVE_TSN_ACK: FieldDef =
    FieldDef::new("sctp.sack_cumulative_tsn_ack", "Cumulative TSN ACK (relative)", FieldType::U32, Base::Dec);
pub static SACK_CUMULATIVE_TSN_ACK_RAW: FieldDef =
    FieldDef::new("sctp.sack_cumulative_tsn_ack_raw", "Cumulative TSN ACK (absolute)", FieldType::U32, Base::Dec);
pub static SACK_A_RWND: FieldDef =
    FieldDef::new("sctp.sack_a_rwnd", "Advertised receiver window credit (a_rwnd)", FieldType::U32, Base::Dec);
pub static SACK_NUMBER_OF_GAP_BLOCKS: FieldDef =
    FieldDef::new("sctp.sack_number_of_gap_blocks", "Number of gap acknowledgement blocks", FieldType::U16, Base::Dec);
pub static SACK_NUMBER_OF_DUPLICATED_TSNS: FieldDef =
    FieldDef::new("sctp.sack_number_of_duplicated_tsns", "Number of duplicated TSNs", FieldType::U16, Base::Dec);
pub static SACK_GAP_BLOCK_START: FieldDef =
    FieldDef::new("sctp.sack_gap_block_start", "Start", FieldType::U16, Base::Dec);
pub static SACK_GAP_BLOCK_START_TSN: FieldDef =
    FieldDef::new("sctp.sack_gap_block_start_tsn", "Start TSN", FieldType::U32, Base::Dec);
pub static SACK_GAP_BLOCK_END: FieldDef = FieldDef::new("sctp.sack_gap_block_end", "End", FieldType::U16, Base::Dec);
pub static SACK_GAP_BLOCK_END_TSN: FieldDef =
    FieldDef::new("sctp.sack_gap_block_end_tsn", "End TSN", FieldType::U32, Base::Dec);
pub static SACK_NUMBER_OF_TSNS_GAP_ACKED: FieldDef = FieldDef::new(
    "sctp.sack_number_of_tsns_gap_acked",
    "Number of TSNs in gap acknowledgement blocks",
    FieldType::U32,
    Base::Dec,
);
pub static SACK_DUPLICATE_TSN: FieldDef =
    FieldDef::new("sctp.sack_duplicate_tsn", "Duplicate TSN", FieldType::U32, Base::Dec);
pub static NR_SACK_NOUNCE_SUM: FieldDef =
    FieldDef::new("sctp.nr_sack_nounce_sum", "Nounce sum", FieldType::U8, Base::Dec).mask(0x1);
pub static NR_SACK_CUMULATIVE_TSN_ACK: FieldDef =
    FieldDef::new("sctp.nr_sack_cumulative_tsn_ack", "Cumulative TSN ACK", FieldType::U32, Base::Dec);
pub static NR_SACK_A_RWND: FieldDef =
    FieldDef::new("sctp.nr_sack_a_rwnd", "Advertised receiver window credit (a_rwnd)", FieldType::U32, Base::Dec);
pub static NR_SACK_NUMBER_OF_GAP_BLOCKS: FieldDef = FieldDef::new(
    "sctp.nr_sack_number_of_gap_blocks",
    "Number of gap acknowledgement blocks",
    FieldType::U16,
    Base::Dec,
);
pub static NR_SACK_NUMBER_OF_NR_GAP_BLOCKS: FieldDef = FieldDef::new(
    "sctp.nr_sack_number_of_nr_gap_blocks",
    "Number of nr-gap acknowledgement blocks",
    FieldType::U16,
    Base::Dec,
);
pub static NR_SACK_NUMBER_OF_DUPLICATED_TSNS: FieldDef =
    FieldDef::new("sctp.nr_sack_number_of_duplicated_tsns", "Number of duplicated TSNs", FieldType::U16, Base::Dec);
pub static NR_SACK_RESERVED: FieldDef = FieldDef::new("sctp.nr_sack_reserved", "Reserved", FieldType::U16, Base::Hex);
pub static NR_SACK_GAP_BLOCK_START: FieldDef =
    FieldDef::new("sctp.nr_sack_gap_block_start", "Start", FieldType::U16, Base::Dec);
pub static NR_SACK_GAP_BLOCK_START_TSN: FieldDef =
    FieldDef::new("sctp.nr_sack_gap_block_start_tsn", "Start TSN", FieldType::U32, Base::Dec);
pub static NR_SACK_GAP_BLOCK_END: FieldDef =
    FieldDef::new("sctp.nr_sack_gap_block_end", "End", FieldType::U16, Base::Dec);
pub static NR_SACK_GAP_BLOCK_END_TSN: FieldDef =
    FieldDef::new("sctp.nr_sack_gap_block_end_tsn", "End TSN", FieldType::U32, Base::Dec);
pub static NR_SACK_NUMBER_OF_TSNS_GAP_ACKED: FieldDef = FieldDef::new(
    "sctp.nr_sack_number_of_tsns_gap_acked",
    "Number of TSNs in gap acknowledgement blocks",
    FieldType::U32,
    Base::Dec,
);
pub static NR_SACK_NR_GAP_BLOCK_START: FieldDef =
    FieldDef::new("sctp.nr_sack_nr_gap_block_start", "Start", FieldType::U16, Base::Dec);
pub static NR_SACK_NR_GAP_BLOCK_START_TSN: FieldDef =
    FieldDef::new("sctp.nr_sack_nr_gap_block_start_tsn", "Start TSN", FieldType::U32, Base::Dec);
pub static NR_SACK_NR_GAP_BLOCK_END: FieldDef =
    FieldDef::new("sctp.nr_sack_nr_gap_block_end", "End", FieldType::U16, Base::Dec);
pub static NR_SACK_NR_GAP_BLOCK_END_TSN: FieldDef =
    FieldDef::new("sctp.nr_sack_nr_gap_block_end_tsn", "End TSN", FieldType::U32, Base::Dec);
pub static NR_SACK_NUMBER_OF_TSNS_NR_GAP_ACKED: FieldDef = FieldDef::new(
    "sctp.nr_sack_number_of_tsns_nr_gap_acked",
    "Number of TSNs in nr-gap acknowledgement blocks",
    FieldType::U32,
    Base::Dec,
);
pub static NR_SACK_DUPLICATE_TSN: FieldDef =
    FieldDef::new("sctp.nr_sack_duplicate_tsn", "Duplicate TSN", FieldType::U32, Base::Dec);
pub static SHUTDOWN_CUMULATIVE_TSN_ACK: FieldDef =
    FieldDef::new("sctp.shutdown_cumulative_tsn_ack", "Cumulative TSN Ack", FieldType::U32, Base::Dec);
pub static ECNE_LOWEST_TSN: FieldDef = FieldDef::new("sctp.ecne_lowest_tsn", "Lowest TSN", FieldType::U32, Base::Dec);
pub static CWR_LOWEST_TSN: FieldDef = FieldDef::new("sctp.cwr_lowest_tsn", "Lowest TSN", FieldType::U32, Base::Dec);
pub static SHUTDOWN_COMPLETE_T_BIT: FieldDef =
    FieldDef::new("sctp.shutdown_complete_t_bit", "T-Bit", FieldType::Bool, Base::None).mask(0x1);
pub static ABORT_T_BIT: FieldDef = FieldDef::new("sctp.abort_t_bit", "T-Bit", FieldType::Bool, Base::None).mask(0x1);
pub static FORWARD_TSN_TSN: FieldDef =
    FieldDef::new("sctp.forward_tsn_tsn", "New cumulative TSN", FieldType::U32, Base::Dec);
pub static FORWARD_TSN_SID: FieldDef =
    FieldDef::new("sctp.forward_tsn_sid", "Stream identifier", FieldType::U16, Base::Dec);
pub static FORWARD_TSN_SSN: FieldDef =
    FieldDef::new("sctp.forward_tsn_ssn", "Stream sequence number", FieldType::U16, Base::Dec);
pub static I_FORWARD_TSN_TSN: FieldDef =
    FieldDef::new("sctp.i_forward_tsn_tsn", "New cumulative TSN", FieldType::U32, Base::Dec);
pub static I_FORWARD_TSN_SID: FieldDef =
    FieldDef::new("sctp.i_forward_tsn_sid", "Stream identifier", FieldType::U16, Base::Dec);
pub static I_FORWARD_TSN_FLAGS: FieldDef =
    FieldDef::new("sctp.i_forward_tsn_flags", "Flags", FieldType::U16, Base::Hex);
pub static I_FORWARD_TSN_RES: FieldDef =
    FieldDef::new("sctp.i_forward_tsn_res", "Reserved", FieldType::U16, Base::Dec).mask(0xfffe);
pub static I_FORWARD_TSN_U_BIT: FieldDef =
    FieldDef::new("sctp.i_forward_tsn_u_bit", "U-Bit", FieldType::Bool, Base::None).mask(0x1);
pub static FORWARD_TSN_MID: FieldDef =
    FieldDef::new("sctp.forward_tsn_mid", "Message identifier", FieldType::U32, Base::Dec);
pub static PARAMETER_TYPE: FieldDef =
    FieldDef::new("sctp.parameter_type", "Parameter type", FieldType::U16, Base::Hex).strings(PARAM_TYPE_VALS);
pub static PARAMETER_LENGTH: FieldDef =
    FieldDef::new("sctp.parameter_length", "Parameter length", FieldType::U16, Base::Dec);
pub static PARAMETER_VALUE: FieldDef =
    FieldDef::new("sctp.parameter_value", "Parameter value", FieldType::Bytes, Base::None);
pub static PARAMETER_PADDING: FieldDef =
    FieldDef::new("sctp.parameter_padding", "Parameter padding", FieldType::Bytes, Base::None);
pub static PARAMETER_BIT_1: FieldDef =
    FieldDef::new("sctp.parameter_bit_1", "Bit", FieldType::Bool, Base::None).mask(0x8000);
pub static PARAMETER_BIT_2: FieldDef =
    FieldDef::new("sctp.parameter_bit_2", "Bit", FieldType::Bool, Base::None).mask(0x4000);
pub static PARAMETER_IPV4_ADDRESS: FieldDef =
    FieldDef::new("sctp.parameter_ipv4_address", "IP Version 4 address", FieldType::Ipv4, Base::None);
pub static PARAMETER_IPV6_ADDRESS: FieldDef =
    FieldDef::new("sctp.parameter_ipv6_address", "IP Version 6 address", FieldType::Ipv6, Base::None);
pub static PARAMETER_HEARTBEAT_INFORMATION: FieldDef =
    FieldDef::new("sctp.parameter_heartbeat_information", "Heartbeat information", FieldType::Bytes, Base::None);
pub static PARAMETER_STATE_COOKIE: FieldDef =
    FieldDef::new("sctp.parameter_state_cookie", "State cookie", FieldType::Bytes, Base::None);
pub static PARAMETER_COOKIE_PRESERVATIVE_INCR: FieldDef = FieldDef::new(
    "sctp.parameter_cookie_preservative_incr",
    "Suggested Cookie life-span increment (msec)",
    FieldType::U32,
    Base::Dec,
);
pub static PARAMETER_HOSTNAME: FieldDef =
    FieldDef::new("sctp.parameter_hostname", "Hostname", FieldType::String, Base::None);
pub static PARAMETER_SUPPORTED_ADDRESS_TYPE: FieldDef =
    FieldDef::new("sctp.parameter_supported_address_type", "Supported address type", FieldType::U16, Base::Dec)
        .strings(ADDRESS_TYPE_VALS);
pub static PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER: FieldDef = FieldDef::new(
    "sctp.parameter_reconfig_request_sequence_number",
    "Re-configuration request sequence number",
    FieldType::U32,
    Base::Dec,
);
pub static PARAMETER_RECONFIG_RESPONSE_SEQUENCE_NUMBER: FieldDef = FieldDef::new(
    "sctp.parameter_reconfig_response_sequence_number",
    "Re-configuration response sequence number",
    FieldType::U32,
    Base::Dec,
);
pub static PARAMETER_SENDERS_LAST_ASSIGNED_TSN: FieldDef =
    FieldDef::new("sctp.parameter_senders_last_assigned_tsn", "Senders last assigned TSN", FieldType::U32, Base::Dec);
pub static PARAMETER_SENDERS_NEXT_TSN: FieldDef =
    FieldDef::new("sctp.parameter_senders_next_tsn", "Senders next TSN", FieldType::U32, Base::Dec);
pub static PARAMETER_RECEIVERS_NEXT_TSN: FieldDef =
    FieldDef::new("sctp.parameter_receivers_next_tsn", "Receivers next TSN", FieldType::U32, Base::Dec);
pub static PARAMETER_RECONFIG_RESPONSE_RESULT: FieldDef =
    FieldDef::new("sctp.parameter_reconfig_response_result", "Result", FieldType::U32, Base::Dec)
        .strings(RECONFIG_RESULT_VALS);
pub static PARAMETER_RECONFIG_SID: FieldDef =
    FieldDef::new("sctp.parameter_reconfig_sid", "Stream Identifier", FieldType::U16, Base::Dec);
pub static PARAMETER_ADD_OUTGOING_STREAMS_NUMBER: FieldDef =
    FieldDef::new("sctp.parameter_add_outgoing_streams_number", "Number of streams", FieldType::U16, Base::Dec);
pub static PARAMETER_ADD_OUTGOING_STREAMS_RESERVED: FieldDef =
    FieldDef::new("sctp.parameter_add_outgoing_streams_reserved", "Reserved", FieldType::U16, Base::Dec);
pub static PARAMETER_ADD_INCOMING_STREAMS_NUMBER: FieldDef =
    FieldDef::new("sctp.parameter_add_incoming_streams_number", "Number of streams", FieldType::U16, Base::Dec);
pub static PARAMETER_ADD_INCOMING_STREAMS_RESERVED: FieldDef =
    FieldDef::new("sctp.parameter_add_incoming_streams_reserved", "Reserved", FieldType::U16, Base::Dec);
pub static ASCONF_SEQ_NR_NUMBER: FieldDef =
    FieldDef::new("sctp.asconf_seq_nr_number", "Sequence number", FieldType::U32, Base::Hex);
pub static ASCONF_ACK_SEQ_NR_NUMBER: FieldDef =
    FieldDef::new("sctp.asconf_ack_seq_nr_number", "Sequence number", FieldType::U32, Base::Hex);
pub static CORRELATION_ID: FieldDef = FieldDef::new("sctp.correlation_id", "Correlation_id", FieldType::U32, Base::Hex);
pub static ADAPTATION_LAYER_INDICATION: FieldDef =
    FieldDef::new("sctp.adaptation_layer_indication", "Indication", FieldType::U32, Base::Hex);
pub static RANDOM_NUMBER: FieldDef = FieldDef::new("sctp.random_number", "Random number", FieldType::Bytes, Base::None);
pub static CHUNK_TYPE_TO_AUTH: FieldDef =
    FieldDef::new("sctp.chunk_type_to_auth", "Chunk type", FieldType::U8, Base::Dec).strings(CHUNK_TYPE_VALS);
pub static HMAC_ID: FieldDef =
    FieldDef::new("sctp.hmac_id", "HMAC identifier", FieldType::U16, Base::Dec).strings(HMAC_ID_VALS);
pub static HMAC: FieldDef = FieldDef::new("sctp.hmac", "HMAC", FieldType::Bytes, Base::None);
pub static SHARED_KEY_ID: FieldDef =
    FieldDef::new("sctp.shared_key_id", "Shared key identifier", FieldType::U16, Base::Dec);
pub static SUPPORTED_CHUNK_TYPE: FieldDef =
    FieldDef::new("sctp.supported_chunk_type", "Supported chunk type", FieldType::U8, Base::Dec)
        .strings(CHUNK_TYPE_VALS);
pub static CAUSE_CODE: FieldDef =
    FieldDef::new("sctp.cause_code", "Cause code", FieldType::U16, Base::Hex).strings(CAUSE_CODE_VALS);
pub static CAUSE_LENGTH: FieldDef = FieldDef::new("sctp.cause_length", "Cause length", FieldType::U16, Base::Dec);
pub static CAUSE_INFORMATION: FieldDef =
    FieldDef::new("sctp.cause_information", "Cause information", FieldType::Bytes, Base::None);
pub static CAUSE_PADDING: FieldDef = FieldDef::new("sctp.cause_padding", "Cause padding", FieldType::Bytes, Base::None);
pub static CAUSE_STREAM_IDENTIFIER: FieldDef =
    FieldDef::new("sctp.cause_stream_identifier", "Stream identifier", FieldType::U16, Base::Dec);
pub static CAUSE_RESERVED: FieldDef = FieldDef::new("sctp.cause_reserved", "Reserved", FieldType::U16, Base::Dec);
pub static CAUSE_NR_OF_MISSING_PARAMETERS: FieldDef =
    FieldDef::new("sctp.cause_nr_of_missing_parameters", "Number of missing parameters", FieldType::U32, Base::Dec);
pub static CAUSE_MISSING_PARAMETER_TYPE: FieldDef =
    FieldDef::new("sctp.cause_missing_parameter_type", "Missing parameter type", FieldType::U16, Base::Hex)
        .strings(PARAM_TYPE_VALS);
pub static CAUSE_MEASURE_OF_STALENESS: FieldDef =
    FieldDef::new("sctp.cause_measure_of_staleness", "Measure of staleness in usec", FieldType::U32, Base::Dec);
pub static CAUSE_TSN: FieldDef = FieldDef::new("sctp.cause_tsn", "TSN", FieldType::U32, Base::Dec);
pub static PCKDROP_M_BIT: FieldDef =
    FieldDef::new("sctp.pckdrop_m_bit", "M-Bit", FieldType::Bool, Base::None).mask(0x1);
pub static PCKDROP_B_BIT: FieldDef =
    FieldDef::new("sctp.pckdrop_b_bit", "B-Bit", FieldType::Bool, Base::None).mask(0x2);
pub static PCKDROP_T_BIT: FieldDef =
    FieldDef::new("sctp.pckdrop_t_bit", "T-Bit", FieldType::Bool, Base::None).mask(0x4);
pub static PKTDROP_BANDWIDTH: FieldDef =
    FieldDef::new("sctp.pktdrop_bandwidth", "Bandwidth", FieldType::U32, Base::Dec);
pub static PKTDROP_QUEUESIZE: FieldDef =
    FieldDef::new("sctp.pktdrop_queuesize", "Queuesize", FieldType::U32, Base::Dec);
pub static PKTDROP_TRUNCATED_LENGTH: FieldDef =
    FieldDef::new("sctp.pktdrop_truncated_length", "Truncated length", FieldType::U16, Base::Dec);
pub static PKTDROP_RESERVED: FieldDef = FieldDef::new("sctp.pktdrop_reserved", "Reserved", FieldType::U16, Base::Dec);
pub static PKTDROP_DATAFIELD: FieldDef =
    FieldDef::new("sctp.pktdrop_datafield", "Data field", FieldType::Bytes, Base::None);
pub static PADDING_DATA: FieldDef = FieldDef::new("sctp.padding_data", "Padding data", FieldType::Bytes, Base::None);
pub static FRAGMENT: FieldDef = FieldDef::new("sctp.fragment", "SCTP Fragment", FieldType::FrameNum, Base::None);
pub static FRAGMENTS: FieldDef =
    FieldDef::new("sctp.fragments", "Reassembled SCTP Fragments", FieldType::None, Base::None);
pub static REASSEMBLED_IN: FieldDef =
    FieldDef::new("sctp.reassembled_in", "Reassembled Message in frame", FieldType::FrameNum, Base::None);
pub static DUPLICATE: FieldDef =
    FieldDef::new("sctp.duplicate", "Fragment already seen in frame", FieldType::FrameNum, Base::None);
pub static DATA_RTT: FieldDef = FieldDef::new("sctp.data_rtt", "The RTT to SACK was", FieldType::RelTime, Base::None);
pub static SACK_RTT: FieldDef =
    FieldDef::new("sctp.sack_rtt", "The RTT since DATA was", FieldType::RelTime, Base::None);
pub static ACKED: FieldDef =
    FieldDef::new("sctp.acked", "This chunk is acked in frame", FieldType::FrameNum, Base::None);
pub static ACK: FieldDef = FieldDef::new("sctp.ack", "Acknowledges TSN", FieldType::U32, Base::Dec);
pub static ACK_FRAME: FieldDef =
    FieldDef::new("sctp.ack_frame", "Acknowledges TSN in frame", FieldType::FrameNum, Base::None);
pub static RETRANSMITTED_AFTER_ACK: FieldDef = FieldDef::new(
    "sctp.retransmitted_after_ack",
    "Chunk was acked prior to retransmission",
    FieldType::FrameNum,
    Base::None,
);
pub static RETRANSMISSION_TIME: FieldDef =
    FieldDef::new("sctp.retransmission_time", "Retransmitted after", FieldType::RelTime, Base::None);
pub static RETRANSMISSION: FieldDef = FieldDef::new(
    "sctp.retransmission",
    "This TSN is a retransmission of one in frame",
    FieldType::FrameNum,
    Base::None,
);
pub static ASSOC_INDEX: FieldDef = FieldDef::new("sctp.assoc_index", "Association index", FieldType::U16, Base::Dec);

pub static CHUNK: FieldDef = FieldDef::new("sctp.chunk", "Chunk", FieldType::None, Base::None)
    .blurb("One chunk: its header and value (a text item in tshark 4.0)");
pub static PARAMETER: FieldDef = FieldDef::new("sctp.parameter", "Parameter", FieldType::None, Base::None)
    .blurb("One chunk parameter (a text item in tshark 4.0)");
pub static CAUSE: FieldDef = FieldDef::new("sctp.cause", "Error cause", FieldType::None, Base::None)
    .blurb("One error cause (a text item in tshark 4.0)");
pub static SACK_GAP_BLOCK: FieldDef =
    FieldDef::new("sctp.sack_gap_block", "Gap Acknowledgement", FieldType::None, Base::None)
        .blurb("One gap ack block of a SACK (a text item in tshark 4.0)");
pub static NR_SACK_GAP_BLOCK: FieldDef =
    FieldDef::new("sctp.nr_sack_gap_block", "Gap Acknowledgement", FieldType::None, Base::None)
        .blurb("One gap ack block of an NR-SACK (a text item in tshark 4.0)");
pub static NR_SACK_NR_GAP_BLOCK: FieldDef =
    FieldDef::new("sctp.nr_sack_nr_gap_block", "NR-Gap Acknowledgement", FieldType::None, Base::None)
        .blurb("One nr-gap ack block of an NR-SACK (a text item in tshark 4.0)");

/// Every field, protocol first.
pub static ALL: &[&FieldDef] = &[
    &SCTP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &VERIFICATION_TAG,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &CHUNK_TYPE,
    &CHUNK_FLAGS,
    &CHUNK_BIT_1,
    &CHUNK_BIT_2,
    &CHUNK_LENGTH,
    &CHUNK_PADDING,
    &CHUNK_VALUE,
    &COOKIE,
    &INITIATE_TAG,
    &INIT_INITIATE_TAG,
    &INIT_CREDIT,
    &INIT_NR_OUT_STREAMS,
    &INIT_NR_IN_STREAMS,
    &INIT_INITIAL_TSN,
    &INITACK_INITIATE_TAG,
    &INITACK_CREDIT,
    &INITACK_NR_OUT_STREAMS,
    &INITACK_NR_IN_STREAMS,
    &INITACK_INITIAL_TSN,
    &DATA_TSN,
    &DATA_TSN_RAW,
    &DATA_SID,
    &DATA_SSN,
    &DATA_PAYLOAD_PROTO_ID,
    &DATA_RESERVED,
    &DATA_MID,
    &DATA_FSN,
    &DATA_E_BIT,
    &DATA_B_BIT,
    &DATA_U_BIT,
    &DATA_I_BIT,
    &SACK_NOUNCE_SUM,
    &SACK_CUMULATIVE_TSN_ACK,
    &SACK_CUMULATIVE_TSN_ACK_RAW,
    &SACK_A_RWND,
    &SACK_NUMBER_OF_GAP_BLOCKS,
    &SACK_NUMBER_OF_DUPLICATED_TSNS,
    &SACK_GAP_BLOCK_START,
    &SACK_GAP_BLOCK_START_TSN,
    &SACK_GAP_BLOCK_END,
    &SACK_GAP_BLOCK_END_TSN,
    &SACK_NUMBER_OF_TSNS_GAP_ACKED,
    &SACK_DUPLICATE_TSN,
    &NR_SACK_NOUNCE_SUM,
    &NR_SACK_CUMULATIVE_TSN_ACK,
    &NR_SACK_A_RWND,
    &NR_SACK_NUMBER_OF_GAP_BLOCKS,
    &NR_SACK_NUMBER_OF_NR_GAP_BLOCKS,
    &NR_SACK_NUMBER_OF_DUPLICATED_TSNS,
    &NR_SACK_RESERVED,
    &NR_SACK_GAP_BLOCK_START,
    &NR_SACK_GAP_BLOCK_START_TSN,
    &NR_SACK_GAP_BLOCK_END,
    &NR_SACK_GAP_BLOCK_END_TSN,
    &NR_SACK_NUMBER_OF_TSNS_GAP_ACKED,
    &NR_SACK_NR_GAP_BLOCK_START,
    &NR_SACK_NR_GAP_BLOCK_START_TSN,
    &NR_SACK_NR_GAP_BLOCK_END,
    &NR_SACK_NR_GAP_BLOCK_END_TSN,
    &NR_SACK_NUMBER_OF_TSNS_NR_GAP_ACKED,
    &NR_SACK_DUPLICATE_TSN,
    &SHUTDOWN_CUMULATIVE_TSN_ACK,
    &ECNE_LOWEST_TSN,
    &CWR_LOWEST_TSN,
    &SHUTDOWN_COMPLETE_T_BIT,
    &ABORT_T_BIT,
    &FORWARD_TSN_TSN,
    &FORWARD_TSN_SID,
    &FORWARD_TSN_SSN,
    &I_FORWARD_TSN_TSN,
    &I_FORWARD_TSN_SID,
    &I_FORWARD_TSN_FLAGS,
    &I_FORWARD_TSN_RES,
    &I_FORWARD_TSN_U_BIT,
    &FORWARD_TSN_MID,
    &PARAMETER_TYPE,
    &PARAMETER_LENGTH,
    &PARAMETER_VALUE,
    &PARAMETER_PADDING,
    &PARAMETER_BIT_1,
    &PARAMETER_BIT_2,
    &PARAMETER_IPV4_ADDRESS,
    &PARAMETER_IPV6_ADDRESS,
    &PARAMETER_HEARTBEAT_INFORMATION,
    &PARAMETER_STATE_COOKIE,
    &PARAMETER_COOKIE_PRESERVATIVE_INCR,
    &PARAMETER_HOSTNAME,
    &PARAMETER_SUPPORTED_ADDRESS_TYPE,
    &PARAMETER_RECONFIG_REQUEST_SEQUENCE_NUMBER,
    &PARAMETER_RECONFIG_RESPONSE_SEQUENCE_NUMBER,
    &PARAMETER_SENDERS_LAST_ASSIGNED_TSN,
    &PARAMETER_SENDERS_NEXT_TSN,
    &PARAMETER_RECEIVERS_NEXT_TSN,
    &PARAMETER_RECONFIG_RESPONSE_RESULT,
    &PARAMETER_RECONFIG_SID,
    &PARAMETER_ADD_OUTGOING_STREAMS_NUMBER,
    &PARAMETER_ADD_OUTGOING_STREAMS_RESERVED,
    &PARAMETER_ADD_INCOMING_STREAMS_NUMBER,
    &PARAMETER_ADD_INCOMING_STREAMS_RESERVED,
    &ASCONF_SEQ_NR_NUMBER,
    &ASCONF_ACK_SEQ_NR_NUMBER,
    &CORRELATION_ID,
    &ADAPTATION_LAYER_INDICATION,
    &RANDOM_NUMBER,
    &CHUNK_TYPE_TO_AUTH,
    &HMAC_ID,
    &HMAC,
    &SHARED_KEY_ID,
    &SUPPORTED_CHUNK_TYPE,
    &CAUSE_CODE,
    &CAUSE_LENGTH,
    &CAUSE_INFORMATION,
    &CAUSE_PADDING,
    &CAUSE_STREAM_IDENTIFIER,
    &CAUSE_RESERVED,
    &CAUSE_NR_OF_MISSING_PARAMETERS,
    &CAUSE_MISSING_PARAMETER_TYPE,
    &CAUSE_MEASURE_OF_STALENESS,
    &CAUSE_TSN,
    &PCKDROP_M_BIT,
    &PCKDROP_B_BIT,
    &PCKDROP_T_BIT,
    &PKTDROP_BANDWIDTH,
    &PKTDROP_QUEUESIZE,
    &PKTDROP_TRUNCATED_LENGTH,
    &PKTDROP_RESERVED,
    &PKTDROP_DATAFIELD,
    &PADDING_DATA,
    &FRAGMENT,
    &FRAGMENTS,
    &REASSEMBLED_IN,
    &DUPLICATE,
    &RETRANSMISSION_TIME,
    &DATA_RTT,
    &SACK_RTT,
    &ACKED,
    &ACK,
    &ACK_FRAME,
    &RETRANSMITTED_AFTER_ACK,
    &RETRANSMISSION,
    &ASSOC_INDEX,
    &CHUNK,
    &PARAMETER,
    &CAUSE,
    &SACK_GAP_BLOCK,
    &NR_SACK_GAP_BLOCK,
    &NR_SACK_NR_GAP_BLOCK,
];
