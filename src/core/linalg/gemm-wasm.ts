import type { GemmBackend, GemmKernel, GemmNTKernel, StridedMatrix } from './gemm';
import { GEMM_WASM_BASE64 } from './wasm/gemm-binary';

/** The slice of the WebAssembly JS API used here (lib ES2022 has no declarations for it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** 64 KiB pages of the kernel's memory: 256 MiB reserved up front (committed only when touched), never grown, so views stay valid. */
const PAGES = 4096;
/** The first bytes are left to the AssemblyScript module's own statics. */
const HEAP_START = 65536;
const ALIGN = 16;

interface Block {
  offset: number;
  bytes: number;
}

/**
 * A first-fit allocator of Float64Array views into the kernel's memory, so matrices the engine
 * allocates here reach the kernel without a copy. Blocks return to the free list when their view
 * is garbage collected (FinalizationRegistry).
 */
class WasmArena {
  private free: Block[];
  private readonly registry = new FinalizationRegistry<Block>((block) => this.release(block));

  constructor(readonly memory: WasmMemory) {
    this.free = [{ offset: HEAP_START, bytes: memory.buffer.byteLength - HEAP_START }];
  }

  allocate(length: number): Float64Array | undefined {
    const bytes = Math.max(ALIGN, Math.ceil((length * 8) / ALIGN) * ALIGN);
    const index = this.free.findIndex((block) => block.bytes >= bytes);
    if (index < 0) return undefined;
    const block = this.free[index];
    const taken = { offset: block.offset, bytes };
    if (block.bytes === bytes) this.free.splice(index, 1);
    else this.free[index] = { offset: block.offset + bytes, bytes: block.bytes - bytes };
    const view = new Float64Array(this.memory.buffer, taken.offset, length);
    view.fill(0);
    this.registry.register(view, taken);
    return view;
  }

  private release(block: Block): void {
    let index = this.free.findIndex((free) => free.offset > block.offset);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { ...block });
    for (let i = Math.max(0, index - 1); i + 1 < this.free.length && i <= index; ) {
      const here = this.free[i];
      const next = this.free[i + 1];
      if (here.offset + here.bytes === next.offset) {
        here.bytes += next.bytes;
        this.free.splice(i + 1, 1);
      } else i++;
    }
  }

  owns(array: Float64Array): boolean {
    return array.buffer === this.memory.buffer;
  }
}

/**
 * Instantiates the AssemblyScript kernel (f64x2, 4×4 register tile, k-blocked). Operands that
 * live in its memory are passed by address; others are copied through scratch blocks.
 */
export function createWasmGemm(): GemmBackend | undefined {
  if (!wasmApi) return undefined;
  let instance: { exports: Record<string, unknown> };
  let memory: WasmMemory;
  try {
    memory = new wasmApi.Memory({ initial: PAGES, maximum: PAGES });
    const module = new wasmApi.Module(Buffer.from(GEMM_WASM_BASE64, 'base64'));
    instance = new wasmApi.Instance(module, { env: { memory, abort: () => undefined } });
  } catch {
    return undefined;
  }
  const run = instance.exports.gemm as (m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, c: number, accumulate: number) => void;
  const runNT = instance.exports.gemmNT as (m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number) => void;
  const runAxpy = instance.exports.axpy as (n: number, alpha: number, x: number, y: number) => void;
  const arena = new WasmArena(memory);
  const scratch: (Float64Array | undefined)[] = [undefined, undefined, undefined, undefined];
  const staging = (slot: number, length: number): Float64Array => {
    let view = scratch[slot];
    if (!view || view.length < length) {
      view = arena.allocate(Math.max(length, 2 * (view?.length ?? 0)));
      if (!view) throw new Error(`the GEMM kernel's memory is full (${PAGES * 64} KiB)`);
      scratch[slot] = view;
    }
    return view;
  };
  const address = (array: Float64Array, offset: number) => array.byteOffset + offset * 8;
  const kernel: GemmKernel = (m, n, k, a: StridedMatrix, b, bOffset, c, cOffset, accumulate) => {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
      return;
    }
    let aAddress: number;
    if (arena.owns(a.data)) aAddress = address(a.data, a.offset);
    else {
      const extent = (m - 1) * a.rowStride + (k - 1) * a.colStride + 1;
      const stage = staging(0, extent);
      stage.set(a.data.subarray(a.offset, a.offset + extent));
      aAddress = stage.byteOffset;
    }
    let bAddress: number;
    if (arena.owns(b)) bAddress = address(b, bOffset);
    else {
      const stage = staging(1, k * n);
      stage.set(b.subarray(bOffset, bOffset + k * n));
      bAddress = stage.byteOffset;
    }
    if (arena.owns(c)) {
      run(m, n, k, aAddress, a.rowStride, a.colStride, bAddress, address(c, cOffset), accumulate ? 1 : 0);
      return;
    }
    const stage = staging(2, m * n);
    if (accumulate) stage.set(c.subarray(cOffset, cOffset + m * n));
    run(m, n, k, aAddress, a.rowStride, a.colStride, bAddress, stage.byteOffset, accumulate ? 1 : 0);
    c.set(stage.subarray(0, m * n), cOffset);
  };
  /** The address of array[offset…offset+length) in the kernel's memory, copying it into a scratch slot when it lives outside. */
  const input = (array: Float64Array, offset: number, length: number, slot: number): number => {
    if (arena.owns(array)) return address(array, offset);
    const stage = staging(slot, length);
    stage.set(array.subarray(offset, offset + length));
    return stage.byteOffset;
  };
  const kernelNT: GemmNTKernel = (m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate) => {
    if (m === 0 || n === 0) return;
    const aAddress = input(a, aOffset, m * k, 0);
    const bAddress = input(b, bOffset, n * k, 1);
    if (arena.owns(c)) {
      runNT(m, n, k, aAddress, bAddress, address(c, cOffset), accumulate ? 1 : 0);
      return;
    }
    const cAddress = accumulate ? input(c, cOffset, m * n, 2) : staging(2, m * n).byteOffset;
    runNT(m, n, k, aAddress, bAddress, cAddress, accumulate ? 1 : 0);
    c.set(scratch[2]!.subarray(0, m * n), cOffset);
  };
  const axpy = (alpha: number, x: Float64Array, y: Float64Array) => {
    if (!arena.owns(x) || !arena.owns(y)) {
      for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
      return;
    }
    runAxpy(y.length, alpha, x.byteOffset, y.byteOffset);
  };
  return { name: 'wasm-simd', gemm: kernel, gemmNT: kernelNT, axpy, allocate: (length) => arena.allocate(length) ?? new Float64Array(length) };
}
