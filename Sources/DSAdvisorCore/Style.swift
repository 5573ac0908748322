/// ANSI styling, or none. The CLI decides: colour only on a terminal, never with NO_COLOR
/// or --no-color; renderers only ask.
public struct Style: Sendable {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    public static let plain = Style(color: false)

    func wrap(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    public func severity(_ severity: Severity) -> String {
        switch severity {
        case .info: cyan("info")
        case .caution: yellow("caution")
        case .danger: red("danger")
        }
    }
}
