/**
 * Media behind auth. `<img>` and `<video>` cannot send the Authorization header, so
 * `useBlobUrl(path)` fetches the resource with the token and hands back a `blob:` URL,
 * revoked when the path changes or the component unmounts.
 */
import { useEffect, useState } from "react";
import type { ImgHTMLAttributes, ReactNode } from "react";
import { blobUrl } from "../api";

export interface BlobState {
  url: string | null;
  error: unknown;
  loading: boolean;
}

export function useBlobUrl(path: string | null | undefined): BlobState {
  const [state, setState] = useState<BlobState>({ url: null, error: null, loading: !!path });
  useEffect(() => {
    if (!path) {
      setState({ url: null, error: null, loading: false });
      return undefined;
    }
    const controller = new AbortController();
    let made: string | null = null;
    setState({ url: null, error: null, loading: true });
    blobUrl(path, { signal: controller.signal }).then(
      (url) => {
        made = url;
        if (controller.signal.aborted) URL.revokeObjectURL(url);
        else setState({ url, error: null, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ url: null, error, loading: false });
      },
    );
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [path]);
  return state;
}

export interface AuthedImageProps extends Omit<ImgHTMLAttributes<HTMLImageElement>, "src"> {
  path: string | null | undefined;
  /** Shown while loading or when there is no image. */
  fallback?: ReactNode;
}

/** An `<img>` of an authenticated resource; `alt` is required by convention. */
export function AuthedImage({ path, fallback = null, alt, ...rest }: AuthedImageProps) {
  const { url } = useBlobUrl(path);
  if (!url) return <>{fallback}</>;
  return <img src={url} alt={alt} {...rest} />;
}
