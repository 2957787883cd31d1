import Foundation

/// The schema as a tree, rebuilt from the footer's depth-first element list, with the definition
/// and repetition level each node adds and the range of leaf columns below it.
struct ParquetSchemaNode: Sendable {
    var element: ParquetSchemaElement
    var children: [ParquetSchemaNode]
    /// Definition / repetition level of a present value at this node (counted from the root).
    var definitionLevel: Int
    var repetitionLevel: Int
    /// Indices of the leaf columns under this node, in file order.
    var leaves: Range<Int>

    var isLeaf: Bool { children.isEmpty && element.physicalType != nil }
    var name: String { element.name }
}

struct ParquetSchema: Sendable {
    let root: ParquetSchemaNode
    let leaves: [ParquetLeaf]
    /// For each leaf, the nodes from the root's child down to the leaf.
    let leafPaths: [[ParquetSchemaNode]]

    static let maxDepth = 64

    init(_ elements: [ParquetSchemaElement]) throws {
        guard let first = elements.first else { throw ParquetDecodeError("the schema is empty") }
        var index = 1
        var leaves: [ParquetLeaf] = []
        var children: [ParquetSchemaNode] = []
        for _ in 0..<first.childCount {
            children.append(try Self.build(elements, &index, parentPath: [], definition: 0, repetition: 0, depth: 1, leaves: &leaves))
        }
        guard index == elements.count else {
            throw ParquetDecodeError("schema has \(elements.count) elements but its tree covers \(index)")
        }
        root = ParquetSchemaNode(element: first, children: children, definitionLevel: 0, repetitionLevel: 0, leaves: 0..<leaves.count)
        self.leaves = leaves
        var paths: [[ParquetSchemaNode]] = []
        func walk(_ node: ParquetSchemaNode, _ trail: [ParquetSchemaNode]) {
            if node.isLeaf { paths.append(trail + [node]); return }
            for child in node.children { walk(child, trail + [node]) }
        }
        for child in children { walk(child, []) }
        leafPaths = paths
    }

    private static func build(_ elements: [ParquetSchemaElement], _ index: inout Int, parentPath: [String],
                              definition: Int, repetition: Int, depth: Int, leaves: inout [ParquetLeaf]) throws -> ParquetSchemaNode {
        guard depth < maxDepth else { throw ParquetDecodeError("schema nested deeper than \(maxDepth)") }
        guard index < elements.count else { throw ParquetDecodeError("schema element list ends inside a group") }
        let element = elements[index]
        index += 1
        let path = parentPath + [element.name]
        let def = definition + (element.repetition == .required ? 0 : 1)
        let rep = repetition + (element.repetition == .repeated ? 1 : 0)
        let firstLeaf = leaves.count
        var children: [ParquetSchemaNode] = []
        if let type = element.physicalType, element.childCount == 0 {
            leaves.append(ParquetLeaf(path: path, physicalType: type, typeLength: element.typeLength, valueKind: element.valueKind,
                                      maxDefinitionLevel: def, maxRepetitionLevel: rep))
        } else {
            guard element.childCount > 0 else { throw ParquetDecodeError("group '\(path.joined(separator: "."))' has no children") }
            for _ in 0..<element.childCount {
                children.append(try build(elements, &index, parentPath: path, definition: def, repetition: rep, depth: depth + 1, leaves: &leaves))
            }
        }
        return ParquetSchemaNode(element: element, children: children, definitionLevel: def, repetitionLevel: rep,
                                 leaves: firstLeaf..<leaves.count)
    }
}
