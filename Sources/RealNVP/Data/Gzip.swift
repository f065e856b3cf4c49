import CZlib

// MARK: - Gzip

/// Inflates gzip (or zlib) data with zlib, including files of several concatenated gzip members.
enum Gzip {
  /// Whether `bytes` start with the gzip magic number 1f 8b.
  static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// The inflated content of `bytes`; `path` names the file in errors.
  static func inflate(_ bytes: [UInt8], path: String) throws -> [UInt8] {
    var stream = z_stream()
    let windowBits: Int32 = 15 + 32  // 15-bit window, detect gzip or zlib headers
    guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw DatasetError.corruptGzip(path: path, detail: "zlib could not start inflating") }
    defer { inflateEnd(&stream) }

    var output = [UInt8]()
    output.reserveCapacity(bytes.count * 4)
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var input = bytes
    return try input.withUnsafeMutableBufferPointer { source -> [UInt8] in
      stream.next_in = source.baseAddress
      stream.avail_in = UInt32(source.count)
      while true {
        let status = chunk.withUnsafeMutableBufferPointer { target -> Int32 in
          stream.next_out = target.baseAddress
          stream.avail_out = UInt32(target.count)
          return CZlib.inflate(&stream, Z_NO_FLUSH)
        }
        output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
        switch status {
        case Z_STREAM_END:
          // Another gzip member may follow (as `cat a.gz b.gz` makes); stop at the end of input.
          if stream.avail_in == 0 { return output }
          guard inflateReset(&stream) == Z_OK else {
            throw DatasetError.corruptGzip(path: path, detail: "cannot restart after a gzip member")
          }
        case Z_OK:
          continue
        case Z_BUF_ERROR where stream.avail_in == 0:
          throw DatasetError.corruptGzip(
            path: path,
            detail: "the compressed stream ends early after \(output.count) inflated bytes "
              + "(truncated download?)")
        default:
          let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
          throw DatasetError.corruptGzip(path: path, detail: message)
        }
      }
    }
  }
}
