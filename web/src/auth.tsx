/**
 * Who is signed in. `AuthProvider` loads the current user from `GET /api/v1/users/me`
 * whenever a token is present and drops back to signed-out when the server answers 401.
 * Pages read it with `useAuth()`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api, ApiError, getToken, onUnauthorized, signIn, signOut } from "./api";
import type { User } from "./api";

export interface AuthState {
  /** The signed-in user; null when signed out; undefined while loading. */
  user: User | null | undefined;
  isAdmin: boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => void;
  /** Loads the user again (after a profile change). */
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(getToken() ? undefined : null);

  const refresh = useCallback(async () => {
    if (!getToken()) {
      setUser(null);
      return;
    }
    try {
      setUser(await api.get<User>("/users/me"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setUser(null);
      else setUser((current) => (current === undefined ? null : current));
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => setUser(null));
  }, [refresh]);

  const value = useMemo<AuthState>(
    () => ({
      user,
      isAdmin: user?.role === "admin",
      signIn: async (email, password) => {
        await signIn(email, password);
        setUser(await api.get<User>("/users/me"));
      },
      signOut: () => {
        signOut();
        setUser(null);
      },
      refresh,
    }),
    [user, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() outside <AuthProvider>");
  return value;
}
