import Foundation

extension JSONValue {
    /// What Foundation's `JSONSerialization` gave for the same document, as a `JSONValue`, so
    /// that `JSONReader` can be compared with the parser it replaced (its tests and the
    /// `submission` fuzz target do). A boolean is an `NSNumber` of type `c` there; any other
    /// number that an `Int` holds exactly is `.int`, as `JSONReader` reads it.
    public init?(foundation value: Any) {
        switch value {
        case is NSNull: self = .null
        case let string as String: self = .string(string)
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else if let whole = value as? Int {
                self = .int(whole)
            } else {
                self = .double(number.doubleValue)
            }
        case let array as [Any]:
            var elements: [JSONValue] = []
            for element in array {
                guard let converted = JSONValue(foundation: element) else { return nil }
                elements.append(converted)
            }
            self = .array(elements)
        case let object as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, member) in object {
                guard let converted = JSONValue(foundation: member) else { return nil }
                members[key] = converted
            }
            self = .object(members)
        default: return nil
        }
    }

    /// True when `other` (Foundation's reading of the same document) is this value, numbers to
    /// within a part in 10^12: Foundation's parser does not always give the nearest double (it
    /// reads `123456789.12356789` as `123456789.12356786`, `1.7976931348623157e108` seven units
    /// off in the last place), while `JSONReader` uses `strtod`, which does, as Python's `float`.
    public func agrees(withFoundation other: JSONValue) -> Bool {
        func number(_ value: JSONValue) -> Double? {
            switch value {
            case .int(let whole): Double(whole)
            case .double(let double): double
            default: nil
            }
        }
        if let a = number(self), let b = number(other) { return a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }
        switch (self, other) {
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.agrees(withFoundation: $1) }
        case (.object(let a), .object(let b)):
            return a.keys == b.keys && a.allSatisfy { key, value in b[key].map { value.agrees(withFoundation: $0) } ?? false }
        default: return self == other
        }
    }
}
