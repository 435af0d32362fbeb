import type { GemmKernel, StridedMatrix } from './gemm';
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

/** The WebAssembly SIMD kernel and its arena; undefined where WebAssembly SIMD is unavailable. */
export interface WasmGemm {
  kernel: GemmKernel;
  allocate(length: number): Float64Array;
}

/**
 * Instantiates the AssemblyScript kernel (f64x2, 4×4 register tile, k-blocked). Operands that
 * live in its memory are passed by address; others are copied through scratch blocks.
 */
export function createWasmGemm(): WasmGemm | undefined {
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
  const arena = new WasmArena(memory);
  const scratch: (Float64Array | undefined)[] = [undefined, undefined, undefined];
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
  return { kernel, allocate: (length) => arena.allocate(length) ?? new Float64Array(length) };
}
