//! A small writer of pcap files for test fixtures: Ethernet, IPv4, UDP, and TCP connections
//! with a proper three-way handshake, acknowledged data and an orderly close, plus the
//! application payloads the engine tests need (DNS queries and responses, DNS over TCP, a TLS
//! ClientHello with a server name, HTTP/1.1 requests).
//!
//! Every checksum is computed, so an engine that verifies checksums accepts the packets.
//! Timestamps start at a fixed instant and advance by a fixed step per packet, so the same
//! calls always give the same bytes.

use std::io::{self, Write};

/// The classic pcap file header's magic, microsecond timestamps.
const PCAP_MAGIC: u32 = 0xa1b2_c3d4;
/// LINKTYPE_ETHERNET.
const LINKTYPE_ETHERNET: u32 = 1;
const SNAPLEN: u32 = 65_535;
const ETHERTYPE_IPV4: u16 = 0x0800;
const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

/// TCP header flag bits.
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// One side of a conversation: an IPv4 address and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The IPv4 address.
    pub ip: [u8; 4],
    /// The UDP or TCP port.
    pub port: u16,
}

impl Endpoint {
    /// An endpoint at `ip`, `port`.
    pub const fn new(ip: [u8; 4], port: u16) -> Endpoint {
        Endpoint { ip, port }
    }

    /// A locally administered MAC address derived from the IP address, so every host keeps
    /// one hardware address.
    fn mac(self) -> [u8; 6] {
        let [a, b, c, d] = self.ip;
        [0x02, 0x00, a, b, c, d]
    }
}

/// A pcap file being written in memory. Use [`Pcap::flush_to`] to stream a large file out
/// in pieces, or [`Pcap::into_bytes`] for a small one.
#[derive(Debug)]
pub struct Pcap {
    bytes: Vec<u8>,
    micros: u64,
    step_micros: u64,
    ip_id: u16,
    packets: u64,
}

impl Default for Pcap {
    fn default() -> Pcap {
        Pcap::new()
    }
}

impl Pcap {
    /// An empty capture (the file header only) whose first packet is stamped
    /// 2023-11-14T22:13:20Z, each next one 100 µs later.
    pub fn new() -> Pcap {
        let mut bytes = Vec::with_capacity(1 << 16);
        bytes.extend_from_slice(&PCAP_MAGIC.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes()); // GMT
        bytes.extend_from_slice(&0u32.to_le_bytes()); // timestamp accuracy
        bytes.extend_from_slice(&SNAPLEN.to_le_bytes());
        bytes.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
        Pcap {
            bytes,
            micros: 1_700_000_000 * 1_000_000,
            step_micros: 100,
            ip_id: 1,
            packets: 0,
        }
    }

    /// Sets the time between two packets (100 µs unless changed).
    pub fn set_step_micros(&mut self, step: u64) {
        self.step_micros = step;
    }

    /// The number of packets written so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// The capture so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Writes what is buffered to `out` and empties the buffer; later packets are buffered
    /// again. The first call writes the file header too.
    pub fn flush_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.bytes)?;
        self.bytes.clear();
        Ok(())
    }

    /// Appends one Ethernet frame as a pcap record.
    fn record(&mut self, frame: &[u8]) {
        let seconds = u32::try_from(self.micros / 1_000_000).expect("timestamp fits pcap");
        let micros = (self.micros % 1_000_000) as u32;
        let length = u32::try_from(frame.len()).expect("frame fits pcap");
        self.bytes.extend_from_slice(&seconds.to_le_bytes());
        self.bytes.extend_from_slice(&micros.to_le_bytes());
        self.bytes.extend_from_slice(&length.to_le_bytes());
        self.bytes.extend_from_slice(&length.to_le_bytes());
        self.bytes.extend_from_slice(frame);
        self.micros += self.step_micros;
        self.packets += 1;
    }

    /// Appends an IPv4 packet carrying `transport` (a UDP or TCP segment with its checksum
    /// field still zero, which is filled in here) inside an Ethernet frame.
    fn ipv4(&mut self, src: Endpoint, dst: Endpoint, protocol: u8, mut transport: Vec<u8>) {
        let checksum_at = match protocol {
            PROTO_UDP => 6,
            PROTO_TCP => 16,
            _ => unreachable!("only UDP and TCP are written"),
        };
        let transport_len = u16::try_from(transport.len()).expect("segment fits IPv4");
        let mut pseudo = Vec::with_capacity(12 + transport.len());
        pseudo.extend_from_slice(&src.ip);
        pseudo.extend_from_slice(&dst.ip);
        pseudo.extend_from_slice(&[0, protocol]);
        pseudo.extend_from_slice(&transport_len.to_be_bytes());
        pseudo.extend_from_slice(&transport);
        let mut checksum = internet_checksum(&pseudo);
        if protocol == PROTO_UDP && checksum == 0 {
            checksum = 0xffff; // zero means "no checksum" in UDP
        }
        transport[checksum_at..checksum_at + 2].copy_from_slice(&checksum.to_be_bytes());

        let total = u16::try_from(20 + transport.len()).expect("packet fits IPv4");
        let mut ip = Vec::with_capacity(total as usize);
        ip.extend_from_slice(&[0x45, 0]);
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&self.ip_id.to_be_bytes());
        ip.extend_from_slice(&0x4000u16.to_be_bytes()); // don't fragment
        ip.extend_from_slice(&[64, protocol, 0, 0]);
        ip.extend_from_slice(&src.ip);
        ip.extend_from_slice(&dst.ip);
        let header_checksum = internet_checksum(&ip);
        ip[10..12].copy_from_slice(&header_checksum.to_be_bytes());
        ip.extend_from_slice(&transport);
        self.ip_id = self.ip_id.wrapping_add(1);

        let mut frame = Vec::with_capacity(14 + ip.len());
        frame.extend_from_slice(&dst.mac());
        frame.extend_from_slice(&src.mac());
        frame.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
        frame.extend_from_slice(&ip);
        self.record(&frame);
    }

    /// Appends one UDP datagram from `src` to `dst`.
    pub fn udp(&mut self, src: Endpoint, dst: Endpoint, payload: &[u8]) {
        let length = u16::try_from(8 + payload.len()).expect("datagram fits UDP");
        let mut segment = Vec::with_capacity(length as usize);
        segment.extend_from_slice(&src.port.to_be_bytes());
        segment.extend_from_slice(&dst.port.to_be_bytes());
        segment.extend_from_slice(&length.to_be_bytes());
        segment.extend_from_slice(&[0, 0]);
        segment.extend_from_slice(payload);
        self.ipv4(src, dst, PROTO_UDP, segment);
    }

    fn tcp(&mut self, src: Endpoint, dst: Endpoint, seq: u32, ack: u32, flags: u8, data: &[u8]) {
        let mut segment = Vec::with_capacity(20 + data.len());
        segment.extend_from_slice(&src.port.to_be_bytes());
        segment.extend_from_slice(&dst.port.to_be_bytes());
        segment.extend_from_slice(&seq.to_be_bytes());
        segment.extend_from_slice(&ack.to_be_bytes());
        segment.extend_from_slice(&[5 << 4, flags]);
        segment.extend_from_slice(&65_535u16.to_be_bytes()); // window
        segment.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
        segment.extend_from_slice(data);
        self.ipv4(src, dst, PROTO_TCP, segment);
    }

    /// Opens a TCP connection from `client` to `server` with a three-way handshake.
    pub fn tcp_connect(&mut self, client: Endpoint, server: Endpoint) -> TcpConnection {
        // Initial sequence numbers that differ per connection but not per run.
        let client_isn = 0x1000_0000 ^ (u32::from(client.port) << 12);
        let server_isn = 0x7000_0000 ^ (u32::from(client.port) << 8);
        self.tcp(client, server, client_isn, 0, SYN, &[]);
        self.tcp(server, client, server_isn, client_isn + 1, SYN | ACK, &[]);
        self.tcp(client, server, client_isn + 1, server_isn + 1, ACK, &[]);
        TcpConnection {
            client,
            server,
            client_next: client_isn + 1,
            server_next: server_isn + 1,
        }
    }
}

/// An open TCP connection in a [`Pcap`]; every segment sent is acknowledged by the peer.
#[derive(Debug)]
pub struct TcpConnection {
    client: Endpoint,
    server: Endpoint,
    client_next: u32,
    server_next: u32,
}

impl TcpConnection {
    /// The client sends `data` in one segment; the server acknowledges it.
    pub fn client_sends(&mut self, pcap: &mut Pcap, data: &[u8]) {
        let (client, server) = (self.client, self.server);
        pcap.tcp(
            client,
            server,
            self.client_next,
            self.server_next,
            PSH | ACK,
            data,
        );
        self.client_next = self.client_next.wrapping_add(data.len() as u32);
        pcap.tcp(server, client, self.server_next, self.client_next, ACK, &[]);
    }

    /// The server sends `data` in one segment; the client acknowledges it.
    pub fn server_sends(&mut self, pcap: &mut Pcap, data: &[u8]) {
        let (client, server) = (self.client, self.server);
        pcap.tcp(
            server,
            client,
            self.server_next,
            self.client_next,
            PSH | ACK,
            data,
        );
        self.server_next = self.server_next.wrapping_add(data.len() as u32);
        pcap.tcp(client, server, self.client_next, self.server_next, ACK, &[]);
    }

    /// Closes the connection: the client's FIN, the server's FIN, the last ACK.
    pub fn close(self, pcap: &mut Pcap) {
        let (client, server) = (self.client, self.server);
        pcap.tcp(
            client,
            server,
            self.client_next,
            self.server_next,
            FIN | ACK,
            &[],
        );
        let client_fin = self.client_next.wrapping_add(1);
        pcap.tcp(server, client, self.server_next, client_fin, FIN | ACK, &[]);
        pcap.tcp(
            client,
            server,
            client_fin,
            self.server_next.wrapping_add(1),
            ACK,
            &[],
        );
    }
}

/// The Internet checksum (RFC 1071) of `bytes`.
fn internet_checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A dotted name in DNS wire format: length-prefixed labels and the root label. One trailing
/// dot is dropped (it is the root); the bytes of each label are kept as they are.
///
/// # Panics
///
/// On an empty label or a label over 63 bytes, which wire format cannot carry.
pub fn dns_wire_name(name: &[u8]) -> Vec<u8> {
    let name = name.strip_suffix(b".").unwrap_or(name);
    let mut wire = Vec::with_capacity(name.len() + 2);
    for label in name.split(|&b| b == b'.') {
        assert!(
            !label.is_empty() && label.len() <= 63,
            "label {:?} cannot be written in DNS wire format",
            label.escape_ascii().to_string()
        );
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
    }
    wire.push(0);
    wire
}

/// A DNS query message (recursion desired) for one A record of `name`.
pub fn dns_query(id: u16, name: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(name.len() + 18);
    message.extend_from_slice(&id.to_be_bytes());
    message.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    message.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]); // 1 question
    message.extend_from_slice(&dns_wire_name(name));
    message.extend_from_slice(&[0, 1, 0, 1]); // A, IN
    message
}

/// The answer to [`dns_query`]: `name` has the address `address` (60 s TTL).
pub fn dns_response(id: u16, name: &[u8], address: [u8; 4]) -> Vec<u8> {
    let mut message = Vec::with_capacity(name.len() + 34);
    message.extend_from_slice(&id.to_be_bytes());
    message.extend_from_slice(&0x8180u16.to_be_bytes()); // response, RD, RA
    message.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 0]); // 1 question, 1 answer
    message.extend_from_slice(&dns_wire_name(name));
    message.extend_from_slice(&[0, 1, 0, 1]);
    message.extend_from_slice(&[0xc0, 12]); // pointer to the question's name
    message.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
    message.extend_from_slice(&address);
    message
}

/// A DNS message framed for TCP: a two-byte length in front.
pub fn dns_over_tcp(message: &[u8]) -> Vec<u8> {
    let length = u16::try_from(message.len()).expect("DNS message fits TCP framing");
    let mut framed = length.to_be_bytes().to_vec();
    framed.extend_from_slice(message);
    framed
}

/// A TLS record holding a ClientHello (TLS 1.3, also offering 1.2) whose server_name
/// extension names `server_name`.
pub fn tls_client_hello(server_name: &[u8]) -> Vec<u8> {
    let name_len = u16::try_from(server_name.len()).expect("server name fits TLS");
    // server_name extension: list length, then one host_name entry.
    let mut sni = Vec::new();
    sni.extend_from_slice(&(name_len + 3).to_be_bytes());
    sni.push(0); // host_name
    sni.extend_from_slice(&name_len.to_be_bytes());
    sni.extend_from_slice(server_name);

    let mut extensions = Vec::new();
    extensions.extend_from_slice(&0u16.to_be_bytes()); // server_name
    extensions.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    extensions.extend_from_slice(&sni);
    // supported_groups: x25519, secp256r1.
    extensions.extend_from_slice(&[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]);
    // ec_point_formats: uncompressed.
    extensions.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // supported_versions: TLS 1.3, TLS 1.2.
    extensions.extend_from_slice(&[0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03]);
    // key_share: one X25519 key.
    extensions.extend_from_slice(&[0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20]);
    extensions.extend((0..32u8).map(|i| i.wrapping_mul(13).wrapping_add(7)));

    let mut hello = Vec::new();
    hello.extend_from_slice(&[0x03, 0x03]); // legacy version: TLS 1.2
    hello.extend((0..32u8).map(|i| i.wrapping_mul(37).wrapping_add(11))); // random
    hello.push(0); // no session id
    // TLS_AES_128_GCM_SHA256, then three TLS 1.2 ECDHE suites.
    let suites: [u16; 4] = [0x1301, 0xc02f, 0xc030, 0xc02b];
    hello.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for suite in suites {
        hello.extend_from_slice(&suite.to_be_bytes());
    }
    hello.extend_from_slice(&[1, 0]); // compression: null
    hello.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    hello.extend_from_slice(&extensions);

    let mut handshake = vec![1]; // ClientHello
    handshake.extend_from_slice(&(hello.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&hello);

    let mut record = vec![0x16, 0x03, 0x01]; // handshake record, TLS 1.0 record version
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// The server's answer to [`tls_client_hello`] in TLS 1.3: a ServerHello choosing
/// TLS_AES_128_GCM_SHA256 with an X25519 key share, ChangeCipherSpec, then one record of
/// encrypted handshake (random bytes). The client ends with [`tls_client_finish`].
pub fn tls_server_hello() -> Vec<u8> {
    let mut extensions = Vec::new();
    extensions.extend_from_slice(&[0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]); // supported_versions
    extensions.extend_from_slice(&[0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20]); // key_share
    extensions.extend((0..32u8).map(|i| i.wrapping_mul(71).wrapping_add(5)));
    let mut hello = Vec::new();
    hello.extend_from_slice(&[0x03, 0x03]); // legacy version
    hello.extend((0..32u8).map(|i| i.wrapping_mul(59).wrapping_add(3))); // random
    hello.push(0); // echoes the client's empty session id
    hello.extend_from_slice(&0x1301u16.to_be_bytes());
    hello.push(0); // no compression
    hello.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    hello.extend_from_slice(&extensions);
    let mut flight = tls_record(0x16, &tls_handshake(2, &hello)); // ServerHello
    flight.extend_from_slice(&tls_encrypted_flight(0x5a));
    flight
}

/// The client's ChangeCipherSpec and encrypted Finished that end the handshake.
pub fn tls_client_finish() -> Vec<u8> {
    tls_encrypted_flight(0x3c)
}

/// ChangeCipherSpec, then an application-data record of 64 bytes standing for encrypted
/// handshake messages.
fn tls_encrypted_flight(seed: u8) -> Vec<u8> {
    let mut records = tls_record(0x14, &[1]);
    let encrypted: Vec<u8> = (0..64u8)
        .map(|i| i.wrapping_mul(83).wrapping_add(seed))
        .collect();
    records.extend_from_slice(&tls_record(0x17, &encrypted));
    records
}

/// A handshake message of type `kind`.
fn tls_handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut message = vec![kind];
    message.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    message.extend_from_slice(body);
    message
}

/// One TLS 1.2 record of content type `kind`.
fn tls_record(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut record = vec![kind, 0x03, 0x03];
    record.extend_from_slice(&(body.len() as u16).to_be_bytes());
    record.extend_from_slice(body);
    record
}

/// An HTTP/1.1 GET request for `/` with the Host header value `host` (written as is, so it
/// may carry a port, upper case or a trailing dot).
pub fn http_get(host: &[u8]) -> Vec<u8> {
    let mut request = b"GET / HTTP/1.1\r\nHost: ".to_vec();
    request.extend_from_slice(host);
    request.extend_from_slice(b"\r\nUser-Agent: ddns-tests\r\nAccept: */*\r\n\r\n");
    request
}

/// A small HTTP/1.1 200 response with a two-byte body.
pub fn http_ok() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_of_the_rfc_1071_example_is_its_complement() {
        // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2 (folded).
        assert_eq!(
            internet_checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
    }

    #[test]
    fn an_ipv4_header_with_its_checksum_sums_to_all_ones() {
        let mut pcap = Pcap::new();
        pcap.udp(
            Endpoint::new([10, 0, 0, 1], 1000),
            Endpoint::new([10, 0, 0, 2], 53),
            b"x",
        );
        let bytes = pcap.into_bytes();
        let ip = &bytes[24 + 16 + 14..][..20];
        assert_eq!(internet_checksum(ip), 0);
    }

    #[test]
    fn a_wire_name_drops_one_trailing_dot_and_keeps_case() {
        assert_eq!(dns_wire_name(b"Ab.c."), b"\x02Ab\x01c\x00");
    }
}
