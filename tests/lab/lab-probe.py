#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small network probes and helpers for the lab, standard library only.

  lab-probe.py stun SERVER:PORT [SERVER:PORT…] [--tcp] [--timeout S]
      Sends a STUN Binding request to each server from ONE local socket (one
      local port) and prints "SERVER:PORT MAPPED_IP:MAPPED_PORT" per server,
      then (over UDP) "local PORT". With --tcp, one connection per server.
      Exits 1 when any server does not answer in time.

  lab-probe.py turn-allocate --server IP:PORT --user U --password P [--tcp]
                             [--timeout S]
      Allocates a TURN relay (long-term credentials), prints "relayed
      IP:PORT" and "mapped IP:PORT" (the client's address as the server saw
      it), and releases it. Exits 1 when refused or without an answer.

  lab-probe.py turn-exchange --server IP:PORT --user U --password P
                             --me NAME --dir DIR [--tcp] [--timeout S]
                             [--first-to IP:PORT]
      Allocates a TURN relay (long-term credentials), writes the relayed
      address to DIR/NAME.relay, waits for the other side's DIR/*.relay,
      permits it, and exchanges datagrams through both relays until each
      side has seen the other's. Prints "relayed IP:PORT", "peer IP:PORT",
      "received TEXT". Exits 1 on timeout or a refused request. With
      --first-to, it first permits IP:PORT and relays a few datagrams there
      (as ICE does towards a peer's private host address).

  lab-probe.py punch --server IP:PORT --me NAME --dir DIR [--delay S]
                     [--timeout S]
      UDP hole punching as ICE does it with server-reflexive candidates:
      learns this socket's mapped address from the STUN server, writes it
      to DIR/NAME.mapped, waits for the other side's DIR/*.mapped, then
      (after DELAY seconds) sends datagrams to it from the same socket until
      each side has seen the other's, from the address it announced.
      Prints "mapped IP:PORT", "peer IP:PORT", "received TEXT". Exits 1 on
      timeout.

  lab-probe.py wait-event FILE --event NAME [--match KEY=VALUE…]
                          [--after N] [--timeout S] [--pid PID]
      Waits for a JSON line (one object per line) in FILE, after its first N
      lines, whose "event" is NAME and whose fields equal the given values
      (compared as text; true/false/null as in JSON; KEY may be a.b for a
      nested field). Prints "LINE_NUMBER JSON" of the first match. Exits 1
      on timeout, 2 as soon as process PID has exited without a match.
      Lines that are not JSON objects are skipped.

  lab-probe.py json-get FIELD
      Prints FIELD (a.b for nested fields) of the JSON object on stdin; exits
      1 when it is not there.

  lab-probe.py mcast-recv GROUP PORT IFNAME READY_FILE [--timeout S]
  lab-probe.py mcast-send GROUP PORT IFNAME TEXT
      Multicast on one interface (IPv4 or IPv6 group). The receiver joins
      the group on IFNAME, creates READY_FILE, and prints the first datagram
      and its source address; the sender sends TEXT once.
"""

import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time
import zlib

MAGIC = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
ALLOCATE_REQUEST = 0x0003
ALLOCATE_SUCCESS = 0x0103
ALLOCATE_ERROR = 0x0113
REFRESH_REQUEST = 0x0004
PERMISSION_REQUEST = 0x0008
PERMISSION_SUCCESS = 0x0108
SEND_INDICATION = 0x0016
DATA_INDICATION = 0x0017

A_MAPPED_ADDRESS = 0x0001
A_USERNAME = 0x0006
A_MESSAGE_INTEGRITY = 0x0008
A_ERROR_CODE = 0x0009
A_LIFETIME = 0x000D
A_XOR_PEER_ADDRESS = 0x0012
A_DATA = 0x0013
A_REALM = 0x0014
A_NONCE = 0x0015
A_XOR_RELAYED_ADDRESS = 0x0016
A_REQUESTED_TRANSPORT = 0x0019
A_XOR_MAPPED_ADDRESS = 0x0020
A_FINGERPRINT = 0x8028


def host_port(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad


def xor_address(ip, port, tid):
    addr = ipaddress.ip_address(ip)
    xport = port ^ (MAGIC >> 16)
    if addr.version == 4:
        xip = int(addr) ^ MAGIC
        return struct.pack("!BBHI", 0, 1, xport, xip)
    key = (MAGIC << 96) | int.from_bytes(tid, "big")
    xip = int(addr) ^ key
    return struct.pack("!BBH", 0, 2, xport) + xip.to_bytes(16, "big")


def parse_xor_address(value, tid):
    family, xport = value[1], struct.unpack("!H", value[2:4])[0]
    port = xport ^ (MAGIC >> 16)
    if family == 1:
        ip = ipaddress.IPv4Address(struct.unpack("!I", value[4:8])[0] ^ MAGIC)
    else:
        key = (MAGIC << 96) | int.from_bytes(tid, "big")
        ip = ipaddress.IPv6Address(int.from_bytes(value[4:20], "big") ^ key)
    return str(ip), port


def parse_plain_address(value):
    family, port = value[1], struct.unpack("!H", value[2:4])[0]
    if family == 1:
        return str(ipaddress.IPv4Address(value[4:8])), port
    return str(ipaddress.IPv6Address(value[4:20])), port


class Message:
    def __init__(self, kind, tid, attrs):
        self.kind, self.tid, self.attrs = kind, tid, attrs

    def get(self, kind):
        for k, v in self.attrs:
            if k == kind:
                return v
        return None


def parse(data):
    if len(data) < 20:
        return None
    kind, length, magic = struct.unpack("!HHI", data[:8])
    if magic != MAGIC or len(data) < 20 + length:
        return None
    tid, attrs, i = data[8:20], [], 20
    while i + 4 <= 20 + length:
        k, n = struct.unpack("!HH", data[i:i + 4])
        attrs.append((k, data[i + 4:i + 4 + n]))
        i += 4 + n + (4 - n % 4) % 4
    return Message(kind, tid, attrs)


def build(kind, attrs, tid=None, key=None):
    """Encodes a message; with KEY, adds MESSAGE-INTEGRITY and FINGERPRINT."""
    tid = tid or os.urandom(12)
    body = b"".join(attr(k, v) for k, v in attrs)
    if key is not None:
        header = struct.pack("!HHI", kind, len(body) + 24, MAGIC) + tid
        mac = hmac.new(key, header + body, hashlib.sha1).digest()
        body += attr(A_MESSAGE_INTEGRITY, mac)
    header = struct.pack("!HHI", kind, len(body) + 8, MAGIC) + tid
    crc = (zlib.crc32(header + body) ^ 0x5354554E) & 0xFFFFFFFF
    body += attr(A_FINGERPRINT, struct.pack("!I", crc))
    return struct.pack("!HHI", kind, len(body), MAGIC) + tid + body


class Transport:
    """One socket to one STUN/TURN server, over UDP or TCP (RFC 5389 framing)."""

    def __init__(self, server, tcp, sock=None, timeout=5.0):
        self.server, self.tcp = server, tcp
        family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
        if sock is not None:
            self.sock = sock
        elif tcp:
            self.sock = socket.create_connection(server, timeout=timeout)
        else:
            self.sock = socket.socket(family, socket.SOCK_DGRAM)
            self.sock.bind(("0.0.0.0" if family == socket.AF_INET else "::", 0))
        self.buffer = b""

    def send(self, data, dest=None):
        if self.tcp:
            self.sock.sendall(data)
        else:
            self.sock.sendto(data, dest or self.server)

    def recv(self, deadline):
        """The next STUN message (and where it came from), or None at DEADLINE."""
        while True:
            if self.tcp and len(self.buffer) >= 20:
                length = struct.unpack("!H", self.buffer[2:4])[0] + 20
                if len(self.buffer) >= length:
                    data, self.buffer = self.buffer[:length], self.buffer[length:]
                    return parse(data), self.server
            left = deadline - time.monotonic()
            if left <= 0:
                return None, None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None, None
            if self.tcp:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None, None
                self.buffer += chunk
            else:
                data, source = self.sock.recvfrom(65536)
                message = parse(data)
                if message is not None:
                    return message, source[:2]

    def transaction(self, message, timeout):
        """Sends a request (retransmitting over UDP) and returns the response."""
        tid = message[8:20]
        deadline = time.monotonic() + timeout
        interval = 0.25
        while time.monotonic() < deadline:
            self.send(message)
            step = min(deadline, time.monotonic() + (timeout if self.tcp else interval))
            while True:
                reply, _ = self.recv(step)
                if reply is None:
                    break
                if reply.tid == tid:
                    return reply
            interval = min(interval * 2, 1.0)
        return None


def cmd_stun(args):
    servers = [host_port(s) for s in args.servers]
    status = 0
    udp = None
    for server in servers:
        if args.tcp:
            transport = Transport(server, True, timeout=args.timeout)
        else:
            if udp is None:
                udp = Transport(server, False)
            transport = udp
            transport.server = server
        reply = transport.transaction(build(BINDING_REQUEST, []), args.timeout)
        if reply is None or reply.kind != BINDING_SUCCESS:
            print(f"{server[0]}:{server[1]} no-answer")
            status = 1
            continue
        value = reply.get(A_XOR_MAPPED_ADDRESS)
        ip, port = (parse_xor_address(value, reply.tid) if value is not None
                    else parse_plain_address(reply.get(A_MAPPED_ADDRESS)))
        print(f"{server[0]}:{server[1]} {ip}:{port}", flush=True)
    if udp is not None:
        print(f"local {udp.sock.getsockname()[1]}")
    return status


def error_of(reply):
    value = reply.get(A_ERROR_CODE) if reply else None
    if value is None:
        return "no answer"
    return f"{value[2] * 100 + value[3]} {value[4:].decode(errors='replace')}"


def allocate(args, transport):
    """Allocates a UDP relay with long-term credentials. Returns (relayed
    address, mapped address, key, auth attributes), or None after printing
    why not."""
    transport_attr = (A_REQUESTED_TRANSPORT, struct.pack("!B3x", 17))
    step = min(args.timeout, 5)

    reply = transport.transaction(build(ALLOCATE_REQUEST, [transport_attr]), step)
    if reply is None or reply.kind != ALLOCATE_ERROR or reply.get(A_NONCE) is None:
        print(f"allocate: expected a 401 challenge, got {error_of(reply)}", file=sys.stderr)
        return None
    realm, nonce = reply.get(A_REALM), reply.get(A_NONCE)
    key = hashlib.md5(f"{args.user}:{realm.decode()}:{args.password}".encode()).digest()
    auth = [(A_USERNAME, args.user.encode()), (A_REALM, realm), (A_NONCE, nonce)]

    reply = transport.transaction(build(ALLOCATE_REQUEST, [transport_attr] + auth, key=key), step)
    if reply is None or reply.kind != ALLOCATE_SUCCESS:
        print(f"allocate: refused: {error_of(reply)}", file=sys.stderr)
        return None
    relayed = parse_xor_address(reply.get(A_XOR_RELAYED_ADDRESS), reply.tid)
    mapped = parse_xor_address(reply.get(A_XOR_MAPPED_ADDRESS), reply.tid)
    return relayed, mapped, key, auth


def deallocate(transport, key, auth):
    transport.transaction(build(REFRESH_REQUEST, [(A_LIFETIME, struct.pack("!I", 0))] + auth,
                                key=key), 2)


def cmd_turn_allocate(args):
    transport = Transport(host_port(args.server), args.tcp, timeout=args.timeout)
    result = allocate(args, transport)
    if result is None:
        return 1
    relayed, mapped, key, auth = result
    print(f"relayed {relayed[0]}:{relayed[1]}")
    print(f"mapped {mapped[0]}:{mapped[1]}", flush=True)
    deallocate(transport, key, auth)
    return 0


def permit(transport, peer, key, auth):
    """CreatePermission for PEER's address; None on success, else why not."""
    tid = os.urandom(12)
    permission = build(PERMISSION_REQUEST,
                       [(A_XOR_PEER_ADDRESS, xor_address(peer[0], peer[1], tid))] + auth,
                       tid=tid, key=key)
    reply = transport.transaction(permission, 5)
    if reply is None or reply.kind != PERMISSION_SUCCESS:
        return error_of(reply)
    return None


def relay_to(transport, peer, text):
    tid = os.urandom(12)
    transport.send(build(SEND_INDICATION,
                         [(A_XOR_PEER_ADDRESS, xor_address(peer[0], peer[1], tid)),
                          (A_DATA, text.encode())], tid=tid))


def exchange(me, deadline, send, receive):
    """Each side repeats its datagram until it has seen the other's and the
    other has said it saw ours; the "seen" state travels in the payload.
    SEND(text) sends one datagram, RECEIVE(until) returns the next text from
    the peer or None. Returns the peer's name, or None on timeout (after
    saying why on stderr)."""
    seen_peer, peer_saw_us, received = False, False, None
    next_send = 0.0
    while time.monotonic() < deadline:
        now = time.monotonic()
        if now >= next_send:
            send(f"{me} {'seen' if seen_peer else 'hello'}")
            next_send = now + 0.1
            if seen_peer and peer_saw_us:
                break
        data = receive(min(deadline, next_send))
        if data is None:
            continue
        if received is None:
            received = data.split()[0]
        seen_peer = True
        peer_saw_us = peer_saw_us or data.endswith(" seen")
    if not (seen_peer and peer_saw_us):
        print(f"exchange timed out (seen peer: {seen_peer}, peer saw us: {peer_saw_us})",
              file=sys.stderr)
        return None
    # Send "seen" a few more times in case our last one was the one lost.
    for _ in range(3):
        send(f"{me} seen")
    return received


def wait_for_peer_file(args, suffix, deadline):
    while time.monotonic() < deadline:
        for name in sorted(os.listdir(args.dir)):
            if name.endswith(suffix) and name != f"{args.me}{suffix}":
                with open(os.path.join(args.dir, name)) as f:
                    return host_port(f.read().strip())
        time.sleep(0.05)
    return None


def write_own_file(args, suffix, address):
    mine = os.path.join(args.dir, f"{args.me}{suffix}")
    with open(mine + ".tmp", "w") as f:
        f.write(f"{address[0]}:{address[1]}\n")
    os.rename(mine + ".tmp", mine)


def cmd_turn_exchange(args):
    server = host_port(args.server)
    transport = Transport(server, args.tcp, timeout=args.timeout)
    deadline = time.monotonic() + args.timeout
    result = allocate(args, transport)
    if result is None:
        return 1
    relayed, _, key, auth = result
    print(f"relayed {relayed[0]}:{relayed[1]}", flush=True)
    if args.first_to is not None:
        first = host_port(args.first_to)
        why = permit(transport, first, key, auth)
        if why is not None:
            print(f"create-permission for {args.first_to}: refused: {why}", file=sys.stderr)
            return 1
        for _ in range(3):
            relay_to(transport, first, f"{args.me} to nowhere")
        print(f"relayed to {first[0]}:{first[1]}", flush=True)
    write_own_file(args, ".relay", relayed)

    peer = wait_for_peer_file(args, ".relay", deadline)
    if peer is None:
        print("no peer relay address appeared", file=sys.stderr)
        return 1
    print(f"peer {peer[0]}:{peer[1]}", flush=True)

    why = permit(transport, peer, key, auth)
    if why is not None:
        print(f"create-permission: refused: {why}", file=sys.stderr)
        return 1

    def receive(until):
        message, _ = transport.recv(until)
        if message is None or message.kind != DATA_INDICATION:
            return None
        source = parse_xor_address(message.get(A_XOR_PEER_ADDRESS), message.tid)
        if source != peer:
            return None
        return message.get(A_DATA).decode(errors="replace")

    received = exchange(args.me, deadline, lambda text: relay_to(transport, peer, text), receive)
    if received is None:
        return 1
    print(f"received {received}", flush=True)
    deallocate(transport, key, auth)
    return 0


def cmd_punch(args):
    server = host_port(args.server)
    transport = Transport(server, False)
    deadline = time.monotonic() + args.timeout
    reply = transport.transaction(build(BINDING_REQUEST, []), min(args.timeout, 5))
    if reply is None or reply.kind != BINDING_SUCCESS:
        print("stun: no answer", file=sys.stderr)
        return 1
    mapped = parse_xor_address(reply.get(A_XOR_MAPPED_ADDRESS), reply.tid)
    print(f"mapped {mapped[0]}:{mapped[1]}", flush=True)
    write_own_file(args, ".mapped", mapped)

    peer = wait_for_peer_file(args, ".mapped", deadline)
    if peer is None:
        print("no peer mapped address appeared", file=sys.stderr)
        return 1
    print(f"peer {peer[0]}:{peer[1]}", flush=True)
    time.sleep(max(0.0, min(args.delay, deadline - time.monotonic())))

    def receive(until):
        left = until - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([transport.sock], [], [], left)
        if not ready:
            return None
        data, source = transport.sock.recvfrom(65536)
        if source[:2] != peer:
            return None
        return data.decode(errors="replace")

    received = exchange(args.me, deadline, lambda text: transport.sock.sendto(text.encode(), peer),
                        receive)
    if received is None:
        return 1
    print(f"received {received}", flush=True)
    return 0


def json_field(obj, path):
    """The value at PATH (dotted) in OBJ as text, or None when absent."""
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    if isinstance(obj, str):
        return obj
    return json.dumps(obj)


def process_ended(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def cmd_wait_event(args):
    matches = []
    for item in args.match:
        key, sep, value = item.partition("=")
        if not sep:
            print(f"--match {item}: expected KEY=VALUE", file=sys.stderr)
            return 1
        matches.append((key, value))
    deadline = time.monotonic() + args.timeout
    number, offset, pending = 0, 0, b""
    while True:
        ended = args.pid is not None and process_ended(args.pid)
        try:
            with open(args.file, "rb") as f:
                f.seek(offset)
                chunk = f.read()
        except FileNotFoundError:
            chunk = b""
        offset += len(chunk)
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            number += 1
            if number <= args.after:
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(obj, dict) or obj.get("event") != args.event:
                continue
            if all(json_field(obj, k) == v for k, v in matches):
                print(number, raw.decode(errors="replace"), flush=True)
                return 0
        if ended:
            print(f"process {args.pid} ended without a matching {args.event} event",
                  file=sys.stderr)
            return 2
        if time.monotonic() >= deadline:
            print(f"no matching {args.event} event within {args.timeout:g} s", file=sys.stderr)
            return 1
        time.sleep(0.05)


def cmd_json_get(args):
    try:
        obj = json.load(sys.stdin)
    except ValueError as e:
        print(f"json-get: not JSON: {e}", file=sys.stderr)
        return 1
    value = json_field(obj, args.field)
    if value is None:
        print(f"json-get: no field {args.field}", file=sys.stderr)
        return 1
    print(value)
    return 0


def mcast_socket(group, port, ifname):
    index = socket.if_nametoindex(ifname)
    if ipaddress.ip_address(group).version == 4:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # The interface's IPv4 address picks the interface for IPv4 multicast.
        # struct ip_mreqn: no group, no address, the interface index.
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                        struct.pack("@4s4si", b"\0" * 4, b"\0" * 4, index))
        return sock, socket.AF_INET, index
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
    return sock, socket.AF_INET6, index


def cmd_mcast_recv(args):
    sock, family, index = mcast_socket(args.group, args.port, args.ifname)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET:
        sock.bind(("0.0.0.0", args.port))
        mreqn = struct.pack("@4s4si", socket.inet_aton(args.group), b"\0" * 4, index)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
    else:
        sock.bind(("::", args.port))
        mreq = socket.inet_pton(socket.AF_INET6, args.group) + struct.pack("@I", index)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    with open(args.ready_file, "w"):
        pass
    ready, _, _ = select.select([sock], [], [], args.timeout)
    if not ready:
        print("no datagram", file=sys.stderr)
        return 1
    data, source = sock.recvfrom(2048)
    print(f"{data.decode(errors='replace')} from {source[0]}", flush=True)
    return 0


def cmd_mcast_send(args):
    sock, family, _ = mcast_socket(args.group, args.port, args.ifname)
    dest = (args.group, args.port) if family == socket.AF_INET else \
        (args.group, args.port, 0, socket.if_nametoindex(args.ifname))
    sock.sendto(args.text.encode(), dest)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("stun")
    p.add_argument("servers", nargs="+")
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--timeout", type=float, default=2.0)
    p.set_defaults(func=cmd_stun)

    p = sub.add_parser("turn-allocate")
    p.add_argument("--server", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(func=cmd_turn_allocate)

    p = sub.add_parser("turn-exchange")
    p.add_argument("--server", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--me", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--timeout", type=float, default=15.0)
    p.add_argument("--first-to")
    p.set_defaults(func=cmd_turn_exchange)

    p = sub.add_parser("punch")
    p.add_argument("--server", required=True)
    p.add_argument("--me", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--timeout", type=float, default=10.0)
    p.set_defaults(func=cmd_punch)

    p = sub.add_parser("wait-event")
    p.add_argument("file")
    p.add_argument("--event", required=True)
    p.add_argument("--match", action="append", default=[])
    p.add_argument("--after", type=int, default=0)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--pid", type=int)
    p.set_defaults(func=cmd_wait_event)

    p = sub.add_parser("json-get")
    p.add_argument("field")
    p.set_defaults(func=cmd_json_get)

    p = sub.add_parser("mcast-recv")
    p.add_argument("group")
    p.add_argument("port", type=int)
    p.add_argument("ifname")
    p.add_argument("ready_file")
    p.add_argument("--timeout", type=float, default=10.0)
    p.set_defaults(func=cmd_mcast_recv)

    p = sub.add_parser("mcast-send")
    p.add_argument("group")
    p.add_argument("port", type=int)
    p.add_argument("ifname")
    p.add_argument("text")
    p.set_defaults(func=cmd_mcast_send)

    args = parser.parse_args()
    try:
        return args.func(args)
    except OSError as e:
        print(f"{args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
