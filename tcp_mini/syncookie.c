/*
 * syncookie.c - SYN cookies (RFC 4987 3.6): a SYN-ACK whose initial
 * sequence number carries what the connection needs, so that a full
 * backlog need not drop a real client's SYN.  (To come.)
 */
#include "tcp_mini.h"
