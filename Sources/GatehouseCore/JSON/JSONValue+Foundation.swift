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
}
