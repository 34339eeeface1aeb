/*
 * drop.c - names of the drop reasons.
 */
#include "drop.h"

static const char *const names[DROP_COUNT] = {
	[DROP_NONE] = "none",
	[DROP_IPV4_TRUNCATED] = "ipv4_truncated",
	[DROP_IPV4_BAD_VERSION] = "ipv4_bad_version",
	[DROP_IPV4_BAD_IHL] = "ipv4_bad_ihl",
	[DROP_IPV4_BAD_TOTAL_LENGTH] = "ipv4_bad_total_length",
	[DROP_IPV4_BAD_CHECKSUM] = "ipv4_bad_checksum",
	[DROP_IPV4_BAD_SOURCE] = "ipv4_bad_source",
	[DROP_IPV4_FRAGMENT] = "ipv4_fragment",
	[DROP_IPV4_NOT_FOR_US] = "ipv4_not_for_us",
	[DROP_IPV4_NOT_ICMP] = "ipv4_not_icmp",
	[DROP_IPV4_PROTOCOL_UNREACHABLE] = "ipv4_protocol_unreachable",
	[DROP_ICMP_TRUNCATED] = "icmp_truncated",
	[DROP_ICMP_BAD_CHECKSUM] = "icmp_bad_checksum",
	[DROP_ICMP_NOT_ECHO_REQUEST] = "icmp_not_echo_request",
	[DROP_ICMP_ERROR_RATE_LIMITED] = "icmp_error_rate_limited",
	[DROP_ICMP_ERROR_NOT_ALLOWED] = "icmp_error_not_allowed",
	[DROP_ETH_TRUNCATED] = "eth_truncated",
	[DROP_ETH_NOT_FOR_US] = "eth_not_for_us",
	[DROP_ETH_UNKNOWN_TYPE] = "eth_unknown_type",
	[DROP_ARP_TRUNCATED] = "arp_truncated",
	[DROP_ARP_BAD_HARDWARE] = "arp_bad_hardware",
	[DROP_ARP_BAD_PROTOCOL] = "arp_bad_protocol",
	[DROP_ARP_BAD_OPCODE] = "arp_bad_opcode",
	[DROP_ARP_BAD_SENDER] = "arp_bad_sender",
	[DROP_ARP_NOT_FOR_US] = "arp_not_for_us",
	[DROP_ARP_RESOLVE_FAILED] = "arp_resolve_failed",
	[DROP_ARP_HOLD_FULL] = "arp_hold_full",
	[DROP_ARP_CACHE_FULL] = "arp_cache_full",
	[DROP_UDP_TRUNCATED] = "udp_truncated",
	[DROP_UDP_BAD_LENGTH] = "udp_bad_length",
	[DROP_UDP_BAD_CHECKSUM] = "udp_bad_checksum",
	[DROP_UDP_PORT_UNREACHABLE] = "udp_port_unreachable",
	[DROP_UDP_NO_SOURCE_PORT] = "udp_no_source_port",
	[DROP_TCP_TRUNCATED] = "tcp_truncated",
	[DROP_TCP_BAD_OFFSET] = "tcp_bad_offset",
	[DROP_TCP_BAD_CHECKSUM] = "tcp_bad_checksum",
	[DROP_TCP_BAD_OPTIONS] = "tcp_bad_options",
	[DROP_TCP_BAD_FLAGS] = "tcp_bad_flags",
	[DROP_TCP_NO_CONNECTION] = "tcp_no_connection",
	[DROP_TCP_RST_NO_CONNECTION] = "tcp_rst_no_connection",
	[DROP_TCP_NOT_ACCEPTABLE] = "tcp_not_acceptable",
	[DROP_TCP_BAD_ACK] = "tcp_bad_ack",
	[DROP_TCP_OLD_ACK] = "tcp_old_ack",
	[DROP_TCP_RST_CHALLENGED] = "tcp_rst_challenged",
	[DROP_TCP_TABLE_FULL] = "tcp_table_full",
	[DROP_TCP_BACKLOG_FULL] = "tcp_backlog_full",
	[DROP_TCP_OUT_OF_ORDER] = "tcp_out_of_order",
	[DROP_TCP_RETRIES_EXCEEDED] = "tcp_retries_exceeded",
	[DROP_REASM_BAD_LENGTH] = "reasm_bad_length",
	[DROP_REASM_TOO_BIG] = "reasm_too_big",
	[DROP_REASM_DUPLICATE] = "reasm_duplicate",
	[DROP_REASM_OVERLAP] = "reasm_overlap",
	[DROP_REASM_EVICTED] = "reasm_evicted",
	[DROP_REASM_TIMEOUT] = "reasm_timeout",
	[DROP_IPV4_DF_TOO_BIG] = "ipv4_df_too_big",
	[DROP_TX_QUEUE_FULL] = "tx_queue_full",
	[DROP_REPLY_EXCEEDS_MTU] = "reply_exceeds_mtu",
	[DROP_NOT_IMPLEMENTED] = "not_implemented",
};

const char *drop_name(enum drop why)
{
	if ((unsigned)why >= DROP_COUNT || !names[why])
		return "unknown";
	return names[why];
}
