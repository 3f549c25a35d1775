const KEY = 'chorus.lastWorkspace';

export const lastWorkspaceId = (): string | null => {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
};

export const rememberWorkspace = (id: string): void => {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    // Private browsing can refuse storage; the first workspace opens instead.
  }
};
