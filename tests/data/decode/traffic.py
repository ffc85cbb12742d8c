#!/usr/bin/env python3
"""traffic.py - tiny real conversations for the decode test captures.

  traffic.py serve ADDR PORT        accept one TCP connection, send a banner, read, close
  traffic.py talk ADDR PORT         connect, read the banner, send a line, close
  traffic.py udp ADDR PORT SIZE     send one UDP datagram of SIZE bytes (fragments if > MTU)
"""
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    c, _ = s.accept()
    c.sendall(b"SSH-2.0-portsleuth_test\r\n")
    c.recv(100)
    c.close()
    s.close()


def talk(addr, port):
    c = socket.create_connection((addr, port), timeout=5)
    c.recv(100)
    c.sendall(b"hello\r\n")
    c.recv(100)
    c.close()


def udp(addr, port, size):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.sendto(bytes((i * 7) & 0xFF for i in range(size)), (addr, port))


if __name__ == "__main__":
    cmd, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "serve":
        serve(addr, port)
    elif cmd == "talk":
        talk(addr, port)
    else:
        udp(addr, port, int(sys.argv[4]))
