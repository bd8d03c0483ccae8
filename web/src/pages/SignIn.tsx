/**
 * Email and password → an access token (POST /api/v1/auth/token). Errors are shown as the
 * server words them ("invalid email or password", "Cannot reach the server", ...).
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { useAuth } from "../auth";
import { Button, Card, Field, errorMessage } from "../components";

export default function SignIn() {
  const { signIn } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <Card className="signin-card">
        <div className="signin-brand">
          <img src="/icons/icon-192.png" alt="" width={48} height={48} />
          <h1>Persona Studio</h1>
        </div>
        <p className="muted">Sign in to make talking-avatar videos.</p>
        <form onSubmit={submit} noValidate aria-describedby={error ? "signin-error" : undefined}>
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
          <Field
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error && (
            <p className="form-error" id="signin-error" role="alert">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            Sign in
          </Button>
        </form>
      </Card>
    </main>
  );
}
