"""Prints, as JSON, what the `gguf` package reads of GGUF files: each file's architecture,
general.file_type and tensor count per ggml type, and the package's LlamaFileType names."""
import collections
import json
import sys

import gguf


def facts(path):
    reader = gguf.GGUFReader(path)
    file_type = reader.fields.get("general.file_type")
    return {
        "architecture": reader.fields["general.architecture"].contents(),
        "file_type": None if file_type is None else int(file_type.contents()),
        "tensor_types": dict(collections.Counter(t.tensor_type.name for t in reader.tensors)),
    }


print(json.dumps({
    "file_types": {str(m.value): m.name for m in gguf.LlamaFileType},
    "files": {path: facts(path) for path in sys.argv[1:]},
}, sort_keys=True))
