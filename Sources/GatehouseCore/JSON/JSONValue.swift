/// A parsed JSON value, as `JSONReader` gives it.
///
/// Numbers are read as Foundation's `JSONSerialization` reads them, so that a recorded stream
/// gives the same output as before: an integer that fits an `Int` is `.int`, as is any number
/// whose value is whole and fits (`1e3` is `.int(1000)`, `2.0` is `.int(2)`); anything else is
/// `.double`. Unlike `JSONSerialization` on Linux, `true` and `false` are never numbers and
/// `0` and `1` are never booleans.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string, or nil for any other kind of value.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members of an object, or nil for any other kind of value.
    public var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements of an array, or nil for any other kind of value.
    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The value as an API id or version: a whole number (never a boolean), or nil.
    public var wholeNumber: Int? {
        if case .int(let value) = self { return value }
        return nil
    }
}
