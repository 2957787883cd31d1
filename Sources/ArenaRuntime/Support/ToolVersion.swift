/// The tool's own version, recorded in every lockfile and bundle.
public enum ToolVersion {
    public static let current = "0.1.0"
}
