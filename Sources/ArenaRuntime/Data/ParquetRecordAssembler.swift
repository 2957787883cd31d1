import Foundation

/// One leaf's part of one row, shaped by the nodes on the leaf's path: a missing optional node is
/// `.null`, a present group `.group`, a repeated node `.list` of its elements, the leaf `.value`.
indirect enum ParquetShred {
    case null
    case value(JSONValue)
    case group(ParquetShred)
    case list([ParquetShred])
}

/// Rebuilds rows from decoded leaf columns (Dremel record assembly): each leaf's levels are first
/// shaped along its path, then the leaves under each group are merged into objects, LIST groups
/// into arrays (three-level and the older two-level layouts), repeated fields into arrays.
struct ParquetRecordAssembler {
    let schema: ParquetSchema

    func rows(columns: [ParquetColumnData], rowCount: Int) throws -> [JSONValue] {
        var starts: [[Int]] = []
        for (leafIndex, column) in columns.enumerated() {
            var s: [Int] = []
            s.reserveCapacity(min(rowCount, 1 << 20) + 1)
            for (i, level) in column.repetitionLevels.enumerated() where level == 0 { s.append(i) }
            guard s.count == rowCount, s.first == 0 || rowCount == 0 else {
                throw ParquetDecodeError("column '\(schema.leaves[leafIndex].dottedPath)' holds \(s.count) rows, row group says \(rowCount)")
            }
            s.append(column.repetitionLevels.count)
            starts.append(s)
        }
        var valueCursors = [Int](repeating: 0, count: columns.count)
        var rows: [JSONValue] = []
        rows.reserveCapacity(min(rowCount, 1 << 20))
        for row in 0..<rowCount {
            var shreds: [ParquetShred] = []
            shreds.reserveCapacity(columns.count)
            for leaf in 0..<columns.count {
                let shaper = LeafShaper(path: schema.leafPaths[leaf], column: columns[leaf])
                do {
                    shreds.append(try shaper.build(0, starts[leaf][row], starts[leaf][row + 1], &valueCursors[leaf]))
                } catch let error as ParquetDecodeError {
                    throw ParquetDecodeError("column '\(schema.leaves[leaf].dottedPath)', row \(row): \(error.message)")
                }
            }
            var fields: [String: JSONValue] = [:]
            for child in schema.root.children {
                fields[child.name] = try assemble(child, Array(shreds[child.leaves]))
            }
            rows.append(.object(fields))
        }
        return rows
    }

    private func assemble(_ node: ParquetSchemaNode, _ shreds: [ParquetShred]) throws -> JSONValue {
        switch node.element.repetition {
        case .repeated:
            let lists = try shreds.map { shred -> [ParquetShred] in
                guard case let .list(items) = shred else { throw mismatch(node) }
                return items
            }
            return .array(try elements(lists, node: node).map { try content(node, $0) })
        case .optional:
            if case .null = shreds.first { return .null }
            return try content(node, shreds)
        case .required:
            return try content(node, shreds)
        }
    }

    private func content(_ node: ParquetSchemaNode, _ shreds: [ParquetShred]) throws -> JSONValue {
        if node.isLeaf {
            guard shreds.count == 1, case let .value(v) = shreds[0] else { throw mismatch(node) }
            return v
        }
        let inner = try shreds.map { shred -> ParquetShred in
            guard case let .group(x) = shred else { throw mismatch(node) }
            return x
        }
        if (node.element.isList || node.element.isMap), node.children.count == 1, node.children[0].element.repetition == .repeated {
            return try listValue(node, inner)
        }
        var fields: [String: JSONValue] = [:]
        for child in node.children {
            let range = (child.leaves.lowerBound - node.leaves.lowerBound)..<(child.leaves.upperBound - node.leaves.lowerBound)
            fields[child.name] = try assemble(child, Array(inner[range]))
        }
        return .object(fields)
    }

    /// A LIST (or MAP) group: its one repeated child holds the elements. Following the format's
    /// backward-compatibility rules, the repeated child is itself the element when it is a
    /// primitive, has several fields, or is named `array` / `<list>_tuple`; otherwise its only
    /// field is the element.
    private func listValue(_ node: ParquetSchemaNode, _ inner: [ParquetShred]) throws -> JSONValue {
        let repeated = node.children[0]
        let lists = try inner.map { shred -> [ParquetShred] in
            guard case let .list(items) = shred else { throw mismatch(node) }
            return items
        }
        let perElement = try elements(lists, node: node)
        let repeatedIsElement = repeated.isLeaf || repeated.children.count > 1 || repeated.name == "array"
            || repeated.name == node.name + "_tuple" || node.element.isMap
        if node.element.isMap, repeated.children.count == 2 {
            // A map entry is a [key, value] pair, as pyarrow reads it.
            let key = repeated.children[0].name, value = repeated.children[1].name
            return .array(try perElement.map { shreds in
                let entry = try content(repeated, shreds)
                return .array([entry[key] ?? .null, entry[value] ?? .null])
            })
        }
        if repeatedIsElement {
            return .array(try perElement.map { try content(repeated, $0) })
        }
        let element = repeated.children[0]
        return .array(try perElement.map { shreds in
            let unwrapped = try shreds.map { shred -> ParquetShred in
                guard case let .group(x) = shred else { throw mismatch(node) }
                return x
            }
            return try assemble(element, unwrapped)
        })
    }

    /// Transposes per-leaf element lists into per-element leaf shreds; every leaf must agree on the count.
    private func elements(_ lists: [[ParquetShred]], node: ParquetSchemaNode) throws -> [[ParquetShred]] {
        guard let count = lists.first?.count else { return [] }
        guard lists.allSatisfy({ $0.count == count }) else { throw mismatch(node) }
        return (0..<count).map { i in lists.map { $0[i] } }
    }

    private func mismatch(_ node: ParquetSchemaNode) -> ParquetDecodeError {
        ParquetDecodeError("the levels of the columns under '\(node.name)' disagree about its shape")
    }
}

/// Shapes the entries [lo, hi) of one leaf column along the leaf's path.
private struct LeafShaper {
    let path: [ParquetSchemaNode]
    let column: ParquetColumnData

    func build(_ depth: Int, _ lo: Int, _ hi: Int, _ valueIndex: inout Int) throws -> ParquetShred {
        guard lo < hi, depth < path.count else { throw ParquetDecodeError("definition/repetition levels are inconsistent") }
        let node = path[depth]
        let definition = Int(column.definitionLevels[lo])
        switch node.element.repetition {
        case .repeated:
            if definition < node.definitionLevel {
                guard hi - lo == 1 else { throw ParquetDecodeError("an empty list spans several entries") }
                return .list([])
            }
            var items: [ParquetShred] = []
            var start = lo
            let level = Int32(node.repetitionLevel)
            for i in (lo + 1)..<max(hi, lo + 1) where column.repetitionLevels[i] == level {
                items.append(try content(depth, start, i, &valueIndex))
                start = i
            }
            items.append(try content(depth, start, hi, &valueIndex))
            return .list(items)
        case .optional:
            if definition < node.definitionLevel {
                guard hi - lo == 1 else { throw ParquetDecodeError("a null value spans several entries") }
                return .null
            }
            return try content(depth, lo, hi, &valueIndex)
        case .required:
            return try content(depth, lo, hi, &valueIndex)
        }
    }

    private func content(_ depth: Int, _ lo: Int, _ hi: Int, _ valueIndex: inout Int) throws -> ParquetShred {
        if depth == path.count - 1 {
            guard hi - lo == 1 else { throw ParquetDecodeError("a single value spans several entries") }
            guard valueIndex < column.values.count else { throw ParquetDecodeError("fewer values than the definition levels need") }
            defer { valueIndex += 1 }
            return .value(column.values[valueIndex])
        }
        return .group(try build(depth + 1, lo, hi, &valueIndex))
    }
}

extension ParquetSchemaNode {
    /// The key order of the rows this root assembles: each group's fields in schema order, as
    /// pyarrow and `datasets` read them (the rules of `ParquetRecordAssembler`, key order only).
    var rowKeyOrder: JSONKeyOrder {
        var order = JSONKeyOrder()
        for child in children { order.withField(child.name) { $0 = child.valueKeyOrder } }
        return order
    }

    private var valueKeyOrder: JSONKeyOrder {
        guard element.repetition == .repeated else { return contentKeyOrder }
        var order = JSONKeyOrder()
        order.withElements { $0 = contentKeyOrder }
        return order
    }

    private var contentKeyOrder: JSONKeyOrder {
        if isLeaf { return JSONKeyOrder() }
        var order = JSONKeyOrder()
        if (element.isList || element.isMap), children.count == 1, children[0].element.repetition == .repeated {
            let repeated = children[0]
            // A map's entries are [key, value] pairs, not objects: no keys to order.
            if element.isMap { return order }
            let repeatedIsElement = repeated.isLeaf || repeated.children.count > 1 || repeated.name == "array" || repeated.name == name + "_tuple"
            order.withElements { $0 = repeatedIsElement ? repeated.contentKeyOrder : repeated.children[0].valueKeyOrder }
            return order
        }
        for child in children { order.withField(child.name) { $0 = child.valueKeyOrder } }
        return order
    }
}
