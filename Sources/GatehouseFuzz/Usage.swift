import Foundation

// Built as usual, this binary only says how to build it as a fuzzer. scripts/fuzz builds it with
// `-sanitize=fuzzer,address -DFUZZING`: then `main` hands the command line to libFuzzer's driver
// (`LLVMFuzzerRunDriver`, the entry point libFuzzer offers programs with a `main` of their own,
// as SwiftPM gives every executable), which calls `fuzzOne` (FuzzTargets.swift) per input.
#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@main
enum FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
    }
}
#else
@main
enum Usage {
    static func main() {
        FileHandle.standardError.write(
            Data("gatehouse-fuzz: build it with scripts/fuzz (libFuzzer and AddressSanitizer), then run scripts/fuzz TARGET SECONDS\n".utf8))
        exit(2)
    }
}
#endif
