#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Write a minimal little-endian ELF file for the binary-inspecting lint rules:
#   mkelf.py OUT MACHINE CLASS [NEEDED...]     MACHINE: e_machine (62 x86-64, 3 i386)
# CLASS 64 files get a PT_LOAD + PT_DYNAMIC with DT_NEEDED entries; CLASS 32 only a header.
import struct
import sys

out, machine, elf_class = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
needed = sys.argv[4:]
if elf_class == 32:
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 52, 32, 0, 40, 0, 0)
    data = hdr
else:
    strtab = b"\0" + b"".join(n.encode() + b"\0" for n in needed)
    offs, o = [], 1
    for n in needed:
        offs.append(o)
        o += len(n) + 1
    ph_off, dyn_off = 64, 64 + 2 * 56
    dyn = b"".join(struct.pack("<qQ", 1, x) for x in offs)
    dyn_len = len(dyn) + 3 * 16
    str_off = dyn_off + dyn_len
    base = 0x400000
    dyn += struct.pack("<qQ", 5, base + str_off) + struct.pack("<qQ", 10, len(strtab))
    dyn += struct.pack("<qQ", 0, 0)
    total = str_off + len(strtab)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, base, ph_off, 0, 0, 64, 56, 2, 64, 0, 0)
    load = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
    dynph = struct.pack("<IIQQQQQQ", 2, 6, dyn_off, base + dyn_off, base + dyn_off, dyn_len, dyn_len, 8)
    data = hdr + load + dynph + dyn + strtab
with open(out, "wb") as f:
    f.write(data)
