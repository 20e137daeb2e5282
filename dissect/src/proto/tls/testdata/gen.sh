#!/bin/sh
# Regenerates the TLS test captures of this folder: real OpenSSL sessions on loopback, captured
# with dumpcap, each with the key log the client wrote. Needs root (port 443, capture on lo).
# New captures have new keys and randoms: the tree snapshots of tls13-ctp and tls12-chacha20
# (../snapshots) must then be reviewed and accepted again.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$tmp/ec.key" -out "$tmp/ec.crt" \
  -days 3650 -nodes -subj /CN=tls.test 2>/dev/null
openssl req -x509 -newkey rsa:2048 -keyout "$tmp/rsa.key" -out "$tmp/rsa.crt" -days 3650 -nodes \
  -subj /CN=tls.test 2>/dev/null
# name  server-key  client-options
run() {
  name=$1; key=$2; shift 2
  rm -f "$name.pcapng" "$name.keys"
  dumpcap -q -i lo -f "tcp port 443" -w "$tmp/$name.pcapng" 2>/dev/null &
  dp=$!
  sleep 1
  openssl s_server -quiet -accept 443 -cert "$tmp/$key.crt" -key "$tmp/$key.key" -alpn ctp/1,http/1.1 \
    -naccept 1 -www "$@" >/dev/null 2>&1 &
  sv=$!
  sleep 0.5
  (printf 'GET / HTTP/1.1\r\nHost: tls.test\r\n\r\n'; sleep 1) |
    openssl s_client -quiet -ign_eof -connect 127.0.0.1:443 -servername tls.test -alpn http/1.1 -keylogfile "$name.keys" \
    "$@" >/dev/null 2>&1 || true
  sleep 0.5
  kill $sv 2>/dev/null || true
  sleep 0.5
  kill $dp; wait $dp 2>/dev/null || true
  cp "$tmp/$name.pcapng" "$name.pcapng"
}
run tls13-aes128gcm ec -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
run tls13-aes256gcm rsa -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
run tls13-chacha20 ec -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
run tls12-chacha20 rsa -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305
run tls12-aes256cbc-sha384 rsa -tls1_2 -cipher ECDHE-RSA-AES256-SHA384 -no_etm
run tls12-aes256cbc-sha-etm rsa -tls1_2 -cipher ECDHE-RSA-AES256-SHA
run tls10-aes128cbc-sha rsa -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' -no_etm
run tls11-aes256cbc-sha-etm rsa -tls1_1 -cipher 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0'
# CTP over TLS 1.3 with ALPN ctp/1 (draft-honeywell-ctp-04 §7.1, SPEC-NOTES C5): the client
# sends a PING control frame and a data frame on virtual socket 2 in one record; the server
# answers with a data frame on virtual socket 2.
rm -f tls13-ctp.pcapng tls13-ctp.keys
dumpcap -q -i lo -f "tcp port 443" -w "$tmp/ctp.pcapng" 2>/dev/null &
dp=$!
sleep 1
(sleep 1.5; printf 'A\001\000\000\002\000\000\006server'; sleep 1) |
  openssl s_server -quiet -accept 443 -cert "$tmp/ec.crt" -key "$tmp/ec.key" -alpn ctp/1 -naccept 1 -tls1_3 \
  >/dev/null 2>&1 &
sv=$!
sleep 0.5
(sleep 0.3; printf 'A\001\000\000\000\000\000\004PINGA\001\000\000\002\000\000\005hello'; sleep 2) |
  openssl s_client -quiet -ign_eof -connect 127.0.0.1:443 -servername tls.test -alpn ctp/1 -keylogfile tls13-ctp.keys \
  -tls1_3 >/dev/null 2>&1 || true
sleep 0.5
kill $sv 2>/dev/null || true
sleep 0.5
kill $dp; wait $dp 2>/dev/null || true
cp "$tmp/ctp.pcapng" tls13-ctp.pcapng
# TLS 1.3 key update (RFC 8446 §4.6.3): the client sends a line, a KeyUpdate with
# update_requested (s_client's "K" command), another line; the server updates its keys too.
rm -f tls13-keyupdate.pcapng tls13-keyupdate.keys
dumpcap -q -i lo -f "tcp port 443" -w "$tmp/ku.pcapng" 2>/dev/null &
dp=$!
sleep 1
(sleep 2; printf 'after server update\n'; sleep 1) |
  openssl s_server -quiet -accept 443 -cert "$tmp/ec.crt" -key "$tmp/ec.key" -naccept 1 -tls1_3 >/dev/null 2>&1 &
sv=$!
sleep 0.5
(sleep 0.3; printf 'before update\n'; sleep 0.3; printf 'K\n'; sleep 0.3; printf 'after update\n'; sleep 2) |
  openssl s_client -connect 127.0.0.1:443 -servername tls.test -keylogfile tls13-keyupdate.keys -tls1_3 \
  >/dev/null 2>&1 || true
sleep 0.5
kill $sv 2>/dev/null || true
sleep 0.5
kill $dp; wait $dp 2>/dev/null || true
cp "$tmp/ku.pcapng" tls13-keyupdate.pcapng
# TLS 1.3 0-RTT (RFC 8446 §4.2.10): a first connection gets a ticket, the second resumes with it
# and sends early data, then EndOfEarlyData.
rm -f tls13-early-data.pcapng tls13-early-data.keys
printf 'early hello\n' > "$tmp/early.txt"
dumpcap -q -i lo -f "tcp port 443" -w "$tmp/ed.pcapng" 2>/dev/null &
dp=$!
sleep 1
openssl s_server -quiet -accept 443 -cert "$tmp/ec.crt" -key "$tmp/ec.key" -naccept 2 -tls1_3 -early_data >/dev/null 2>&1 &
sv=$!
sleep 0.5
(sleep 1) | openssl s_client -connect 127.0.0.1:443 -servername tls.test -tls1_3 -sess_out "$tmp/sess.pem" \
  -keylogfile tls13-early-data.keys >/dev/null 2>&1 || true
sleep 0.3
(sleep 1) | openssl s_client -connect 127.0.0.1:443 -servername tls.test -tls1_3 -sess_in "$tmp/sess.pem" \
  -early_data "$tmp/early.txt" -keylogfile tls13-early-data.keys >/dev/null 2>&1 || true
sleep 0.5
kill $sv 2>/dev/null || true
sleep 0.5
kill $dp; wait $dp 2>/dev/null || true
cp "$tmp/ed.pcapng" tls13-early-data.pcapng
rm -rf "$tmp"
