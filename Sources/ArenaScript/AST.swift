/// The syntax tree. Value types only; every node carries the source range the lexer gave it.

public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-"
    case not
}

public enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }

    public var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide: true
        default: false
        }
    }
}

/// A part of a string literal after parsing.
public enum StringSegment: Sendable, Hashable {
    case text(String)
    case interpolation(Expression)
}

/// `label: value` in a call, or a bare positional `value`.
public struct Argument: Sendable, Hashable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expression
    public var range: SourceRange
}

/// `key: value` in a record literal `[key: value, ...]`.
public struct RecordEntry: Sendable, Hashable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Expression
}

public indirect enum ExpressionKind: Sendable, Hashable {
    case number(Double)
    case string([StringSegment])
    case bool(Bool)
    case list([Expression])
    case record([RecordEntry])
    case identifier(String)
    case member(Expression, name: String, nameRange: SourceRange)
    case call(callee: String, calleeRange: SourceRange, arguments: [Argument])
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// Stands in for an expression that failed to parse; checked as any type, never evaluated.
    case invalid
}

public struct Expression: Sendable, Hashable {
    public var kind: ExpressionKind
    public var range: SourceRange

    public init(_ kind: ExpressionKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum StatementKind: Sendable, Hashable {
    case experiment(name: Expression)
    case binding(name: String, nameRange: SourceRange, value: Expression)
    case forLoop(variable: String, variableRange: SourceRange, sequence: Expression, body: [Statement])
    case seed(Expression)
    case limit(Expression)
    case expect(Expression)
    case expression(Expression)
}

public struct Statement: Sendable, Hashable {
    public var kind: StatementKind
    public var range: SourceRange

    public init(_ kind: StatementKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The statement's keyword, or "call"/"expression" for expression statements.
    public var label: String {
        switch kind {
        case .experiment: "experiment"
        case .binding: "let"
        case .forLoop: "for"
        case .seed: "seed"
        case .limit: "limit"
        case .expect: "expect"
        case .expression(let e):
            if case .call = e.kind { "call" } else { "expression" }
        }
    }
}

/// A parsed file: its top-level statements (the notebook's cells) and its comments.
public struct Program: Sendable, Hashable {
    public var statements: [Statement]
    public var comments: [Comment]
}
