/**
 * A stand-in for the `electron` module (no Electron binary exists on the build machines; see
 * toolchain.md §3). It records what the real main process asks of Electron — window options,
 * protocol handlers, session and web-contents guards, IPC handlers — so tests can assert them and
 * drive them. Used only through `vi.mock('electron', …)`.
 */
type Fn = (...args: never[]) => unknown

class Emitter {
  readonly listeners = new Map<string, Fn[]>()
  on(event: string, fn: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn])
    return this
  }
  once(event: string, fn: Fn): this {
    return this.on(event, fn)
  }
  /** Calls every listener; returns whether any called preventDefault. */
  emit(event: string, ...args: unknown[]): boolean {
    let prevented = false
    const ev = { preventDefault: () => (prevented = true) }
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(ev, ...args)
    return prevented
  }
}

let nextId = 1

export class FakeWebContents extends Emitter {
  readonly id = nextId++
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  readonly sent: { channel: string; payload: unknown }[] = []
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  isDestroyed(): boolean {
    return false
  }
  /** Stand-in for Chromium's printing: a tiny PDF naming this contents, options recorded. */
  printToPDF(options: unknown): Promise<Uint8Array> {
    recorded.printed.push({ contentsId: this.id, options })
    if (recorded.printFails) return Promise.reject(new Error('printing failed'))
    return Promise.resolve(
      new TextEncoder().encode(`%PDF-1.7\n% stand-in page of contents ${this.id}\n%%EOF\n`),
    )
  }
}

export const recorded = {
  windows: [] as FakeBrowserWindow[],
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  ipcHandlers: new Map<string, (event: unknown, request: unknown) => Promise<unknown>>(),
  removedIpc: [] as string[],
  app: new Emitter(),
  session: {
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    headersReceived: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
    events: new Emitter(),
  },
  openedExternal: [] as string[],
  /** printToPDF calls, and whether the next ones fail. */
  printed: [] as { contentsId: number; options: unknown }[],
  printFails: false,
  /** showSaveDialog calls; `saveAnswer` is what the merchant "chooses" (null: cancel). */
  saveDialogs: [] as { window: unknown; options: { defaultPath?: string } }[],
  saveAnswer: null as string | null,
  quitCalls: 0,
  exitCodes: [] as number[],
  singleInstance: true,
}

export class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents()
  loadedUrl: string | null = null
  constructor(readonly options: Record<string, unknown>) {
    super()
    recorded.windows.push(this)
    recorded.app.emit('web-contents-created', this.webContents)
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return recorded.windows
  }
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return recorded.windows.find((w) => w.webContents === contents) ?? null
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
  }
  isDestroyed(): boolean {
    return false
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {}
  show(): void {}
  destroy(): void {}
}

export const electronModule = {
  app: {
    whenReady: () => Promise.resolve(),
    on: (event: string, fn: Fn) => recorded.app.on(event, fn),
    getPath: () => process.env['PAYKIT_DATA_DIR'] ?? '/nonexistent',
    getVersion: () => '0.1.0-test',
    requestSingleInstanceLock: () => recorded.singleInstance,
    quit: () => {
      recorded.quitCalls++
    },
    exit: (code: number) => {
      recorded.exitCodes.push(code)
    },
  },
  BrowserWindow: FakeBrowserWindow,
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
    handle: (scheme: string, fn: (req: Request) => Promise<Response>) =>
      recorded.protocolHandlers.set(scheme, fn),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: typeof recorded.session.permissionRequest) => {
        recorded.session.permissionRequest = fn
      },
      setPermissionCheckHandler: (fn: typeof recorded.session.permissionCheck) => {
        recorded.session.permissionCheck = fn
      },
      webRequest: {
        onHeadersReceived: (fn: typeof recorded.session.headersReceived) => {
          recorded.session.headersReceived = fn
        },
      },
      on: (event: string, fn: Fn) => recorded.session.events.on(event, fn),
    },
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, request: unknown) => Promise<unknown>) => {
      if (recorded.ipcHandlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`)
      recorded.ipcHandlers.set(channel, fn)
    },
    removeHandler: (channel: string) => {
      recorded.ipcHandlers.delete(channel)
      recorded.removedIpc.push(channel)
    },
  },
  dialog: {
    showSaveDialog: async (window: unknown, options: { defaultPath?: string }) => {
      recorded.saveDialogs.push({ window, options })
      const filePath = recorded.saveAnswer
      return filePath === null ? { canceled: true, filePath: '' } : { canceled: false, filePath }
    },
  },
  shell: {
    openExternal: async (url: string) => {
      recorded.openedExternal.push(url)
    },
  },
}

/** An invoke event as Electron would build it for `frameUrl` in `contents`. */
export function invokeEvent(contents: FakeWebContents, frameUrl: string, parent: unknown = null) {
  return { sender: contents, senderFrame: { url: frameUrl, parent } }
}
