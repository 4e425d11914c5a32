/** Where the SDK keeps tokens: chrome.storage in an extension, memory (or anything async) elsewhere. */
export interface TokenStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Keeps values for the life of the page or process. */
export function memoryStorage(): TokenStorage {
  const values = new Map<string, unknown>();
  return {
    async get(key) {
      return values.get(key);
    },
    async set(key, value) {
      values.set(key, value);
    },
    async remove(key) {
      values.delete(key);
    },
  };
}

/** The subset of chrome.storage.StorageArea the SDK uses (promise form, MV3). */
export interface ChromeStorageArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** chrome.storage.local (or .session / .sync): survives the popup closing and the worker sleeping. */
export function chromeStorage(area?: ChromeStorageArea): TokenStorage {
  const store = area ?? (globalThis as { chrome?: { storage?: { local?: ChromeStorageArea } } }).chrome?.storage?.local;
  if (!store) {
    throw new Error('chrome.storage is not available here; pass a storage area or use memoryStorage()');
  }
  return {
    async get(key) {
      return (await store.get(key))[key];
    },
    async set(key, value) {
      await store.set({ [key]: value });
    },
    async remove(key) {
      await store.remove(key);
    },
  };
}
