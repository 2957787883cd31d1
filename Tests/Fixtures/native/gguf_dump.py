"""What the `gguf` package's GGUFReader reads from a GGUF file, as JSON on stdout, for the Swift
reader's tests: `python gguf_dump.py FILE`.

Every metadata value is given as the SHA-256 of a canonical text that the Swift test builds the same
way from its own reading (`TYPE:value`; floats as their bit patterns in hex, strings as the hex of
their UTF-8 bytes, arrays as `ARRAY:ELEMENT:count[v,v,...]`), walking the reader's flat list of
parts, so nested arrays are covered too."""
import hashlib
import json
import sys

from gguf import GGUFReader
from gguf.constants import GGUFValueType as V


def canonical(parts, i, vtype):
    """The canonical text of the value of `vtype` whose parts start at parts[i], and the next index."""
    if vtype == V.STRING:
        return "STRING:" + bytes(parts[i + 1]).hex(), i + 2
    if vtype == V.ARRAY:
        element = V(int(parts[i][0]))
        count = int(parts[i + 1][0])
        i += 2
        items = []
        for _ in range(count):
            text, i = canonical(parts, i, element)
            items.append(text)
        return f"ARRAY:{element.name}:{count}[" + ",".join(items) + "]", i
    value = parts[i][0]
    if vtype == V.FLOAT32:
        return "FLOAT32:%08x" % int(value.view("uint32")), i + 1
    if vtype == V.FLOAT64:
        return "FLOAT64:%016x" % int(value.view("uint64")), i + 1
    if vtype == V.BOOL:
        return "BOOL:%d" % int(bool(value)), i + 1
    return f"{vtype.name}:{int(value)}", i + 1


def main():
    reader = GGUFReader(sys.argv[1])
    metadata = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        vtype = V(int(field.parts[2][0]))
        text, end = canonical(field.parts, 3, vtype)
        assert end == len(field.parts), key
        metadata.append({"key": key, "type": vtype.name, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                         "preview": text[:200]})
    tensors = [{"name": t.name, "type": t.tensor_type.name, "dimensions": [int(d) for d in t.shape],
                "file_offset": int(t.data_offset), "bytes": int(t.n_bytes)} for t in reader.tensors]
    version = int(reader.fields["GGUF.version"].parts[0][0])
    json.dump({"version": version, "alignment": int(reader.alignment), "data_offset": int(reader.data_offset),
               "metadata": metadata, "tensors": tensors}, sys.stdout, sort_keys=True)


main()
