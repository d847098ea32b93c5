import GatehouseCLI

/// The `gatehouse` executable: everything is in GatehouseCLI, which the tests call too.
@main
struct GatehouseMain {
    static func main() async {
        await GatehouseCommand.main()
    }
}
