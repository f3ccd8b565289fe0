/**
 * The pasted operator/admin token lives in sessionStorage only: gone when the tab closes, never a
 * cookie (nothing is sent without our say) and never in a URL (nothing lands in history or logs).
 */
const KEY = 'aitl.dashboard.token';

export const sessionToken = {
  read: (): string | null => sessionStorage.getItem(KEY),
  save: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};
