import Foundation

// The baseline: a Foundation hello-world, built like dsadvisor.
print("hello, \(ProcessInfo.processInfo.processIdentifier > 0 ? "world" : "")")
