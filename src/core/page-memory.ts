/*
 * tgr runs under glibc tunables that keep freed memory and ask for transparent huge pages (bin/glibc-tunables.js):
 * right for buffers a process frees and asks for again, each run or step. A large buffer written once and kept is
 * the opposite case: on this machine its first touch through malloc's huge pages cost ~2 s a GiB right after another
 * large process had exited, against ~0.5 s through ordinary pages (bench/RESULTS.md, "Time to the paper's
 * statistics"). A WebAssembly.Memory is mapped by V8's page allocator, not malloc, so it gets ordinary pages.
 */

// Node has WebAssembly; TypeScript declares it only in its DOM library, which this project does not load.
declare const WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } };

/** The most bytes a WebAssembly.Memory holds (65,536 pages of 64 KiB). */
const wasmMaxBytes = 2 ** 32;
const wasmPage = 2 ** 16;

/**
 * A zeroed ArrayBuffer of at least `bytes` for data written once and kept: mapped outside malloc (a WebAssembly
 * memory's pages), or a plain ArrayBuffer when it is too large for one or the mapping fails.
 */
export function pageMemory(bytes: number): ArrayBuffer {
  if (bytes > 0 && bytes <= wasmMaxBytes) {
    try {
      return new WebAssembly.Memory({ initial: Math.ceil(bytes / wasmPage) }).buffer;
    } catch {
      // No address space for it: malloc's pages are slower to touch but as good.
    }
  }
  return new ArrayBuffer(bytes);
}
