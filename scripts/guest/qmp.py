#!/usr/bin/python3
"""The main job's QMP side: ask QEMU what the nested path did, then quit.

    qmp.py SOCKET OBJECT OUT.json

Sends qmp_capabilities, query-iommu-contexts and qom-get of the counters of
the software host OBJECT (a QOM id under /objects), writes them as one JSON
document to OUT.json, and sends quit.
"""
import json
import socket
import sys

COUNTERS = ["contexts", "binds", "unbinds", "flush-calls", "flush-entries",
            "translations", "iotlb-hits", "iotlb-misses", "iotlb-evictions",
            "iotlb-used", "page-requests-raised", "faults", "errors"]


class QMP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.file = self.sock.makefile("r")
        self.read()  # greeting

    def read(self):
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("QEMU closed the QMP socket")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        resp = self.read()
        if "error" in resp:
            raise RuntimeError(f"{name}: {resp['error'].get('desc')}")
        return resp["return"]


def main():
    path, obj, out = sys.argv[1:4]
    q = QMP(path)
    q.cmd("qmp_capabilities")
    result = {"status": q.cmd("query-status"),
              "contexts": q.cmd("query-iommu-contexts"),
              "host": {}}
    for c in COUNTERS:
        try:
            result["host"][c] = q.cmd("qom-get", path=f"/objects/{obj}", property=c)
        except RuntimeError as e:
            result["host"][c] = None
            result.setdefault("errors", []).append(str(e))
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    try:
        q.cmd("quit")
    except EOFError:
        pass


if __name__ == "__main__":
    main()
