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
    case interpolation(Expr)
}

/// `label: value` in a call, or a bare positional `value`.
public struct CallArgument: Sendable, Hashable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expr
    public var range: SourceRange
}

/// `key: value` in a record literal `[key: value, ...]`.
public struct RecordEntry: Sendable, Hashable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Expr
}

public indirect enum ExprKind: Sendable, Hashable {
    case number(Double)
    case string([StringSegment])
    case bool(Bool)
    case list([Expr])
    case record([RecordEntry])
    case identifier(String)
    case member(Expr, name: String, nameRange: SourceRange)
    case call(callee: String, calleeRange: SourceRange, arguments: [CallArgument])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// Stands in for an expression that failed to parse; checked as any type, never evaluated.
    case invalid
}

public struct Expr: Sendable, Hashable {
    public var kind: ExprKind
    public var range: SourceRange

    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum StmtKind: Sendable, Hashable {
    case experiment(name: Expr)
    case binding(name: String, nameRange: SourceRange, value: Expr)
    case forLoop(variable: String, variableRange: SourceRange, sequence: Expr, body: [Stmt])
    case seed(Expr)
    case limit(Expr)
    /// `expect condition [with confidence level]`.
    case expect(Expr, confidence: Expr?)
    case expression(Expr)
}

public struct Stmt: Sendable, Hashable {
    public var kind: StmtKind
    public var range: SourceRange

    public init(_ kind: StmtKind, _ range: SourceRange) {
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
    public var statements: [Stmt]
    public var comments: [Comment]
}
