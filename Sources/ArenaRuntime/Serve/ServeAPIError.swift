/// An error answered to the client with vLLM's error body:
/// `{"object": "error", "message": ..., "type": "BadRequestError", "param": null, "code": 400}`.
public struct ServeAPIError: Error, Equatable, CustomStringConvertible {
    public let status: Int
    public let type: String
    public let message: String
    public let param: String?

    public static func badRequest(_ message: String, param: String? = nil) -> ServeAPIError {
        ServeAPIError(status: 400, type: "BadRequestError", message: message, param: param)
    }

    public static func notFound(_ message: String) -> ServeAPIError {
        ServeAPIError(status: 404, type: "NotFoundError", message: message, param: nil)
    }

    public static func internalError(_ message: String) -> ServeAPIError {
        ServeAPIError(status: 500, type: "InternalServerError", message: message, param: nil)
    }

    public var description: String { "\(status) \(type): \(message)" }

    var body: JSONValue {
        .object([
            "object": .string("error"), "message": .string(message), "type": .string(type),
            "param": param.map(JSONValue.string) ?? .null, "code": .int(status),
        ])
    }
}
