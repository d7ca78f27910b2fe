#!/usr/bin/env python3
"""Writes the worst single lines for `ddns scan` (each just under the 16 MiB line bound) into
a directory, one file per case, as ddns-cli/tests/hostile_lines.rs builds them, plus a EVE
case with distinct names and a Zeek case with one 16 MiB query; and the tests' four-entry
list as list.txt. See docs/reliability.md ("One line of up to 16 MiB") for how they are timed.

usage: scripts/hostile-lines.py DIR
"""

import os
import sys

TARGET = (16 << 20) - 4096

LIST = """duckdns.org            duckdns
!www.duckdns.org       duckdns
evil.www.duckdns.org   duckdns
ddns.net               noip
"""


def distinct(room, quote):
    names, count, size = [], 0, 0
    while True:
        name = f"{quote}a{count}.duckdns.org{quote}"
        if size + len(name) + 1 > room:
            return ",".join(names)
        names.append(name)
        size += len(name) + 1
        count += 1


def filler(room, element, last):
    return (element + ",") * ((room - len(last)) // (len(element) + 1)) + last


def zeek(fields, row):
    return f"#separator \\x09\n#set_separator\t,\n#fields\t{fields}\n{row}\n"


def cases():
    yield "zeek-distinct.log", zeek("ts\tid.orig_h\tquery\tanswers",
                                    "1.0\t10.0.0.1\t-\t" + distinct(TARGET - 20, ""))
    yield "zeek-empty-elements.log", zeek("ts\tquery\tanswers",
                                          "1.0\t-\t" + filler(TARGET - 6, "", "x7.duckdns.org"))
    yield "zeek-many-fields.log", zeek("ts\tquery\tanswers", "\t" * TARGET)
    columns = (TARGET - 16) // 2
    yield "zeek-many-columns.log", zeek("f\t" * columns + "query", "\t" * columns + "x7.duckdns.org")
    head = '{"event_type":"dns","src_ip":"10.0.0.1","dns":{"answers":['
    last = '{"rrname":"x7.duckdns.org","rrtype":"CNAME","rdata":"x8.ddns.net"}'
    yield "eve-answers.json", head + filler(TARGET - len(head) - 3, "{}", last) + "]}}\n"
    head = '{"ts":1.0,"query":"x9.ddns.net","answers":['
    yield "zeek-empty-strings.json", head + filler(TARGET - len(head) - 2, '""', '"x7.duckdns.org"') + "]}\n"
    head = '{"ts":1.0,"id.orig_h":"10.0.0.1","answers":['
    yield "zeek-distinct.json", head + distinct(TARGET - len(head) - 2, '"') + "]}\n"
    head = '{"event_type":"dns","src_ip":"10.0.0.1","dns":{"answers":['
    answers = distinct(TARGET - len(head) - 3, "")
    answers = ",".join('{"rrname":"%s"}' % name for name in answers.split(","))
    yield "eve-distinct.json", head + answers[:TARGET - len(head) - 3].rsplit(",{", 1)[0] + "]}}\n"
    yield "long-name.txt", "x" * (TARGET - 12) + ".duckdns.org\n"
    yield "zeek-long-query.log", zeek("ts\tquery", "1.0\t" + "x" * (TARGET - 16) + ".duckdns.org")


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "list.txt"), "w") as out:
        out.write(LIST)
    for name, text in cases():
        with open(os.path.join(directory, name), "w") as out:
            out.write(text)


if __name__ == "__main__":
    main()
