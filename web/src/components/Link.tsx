import type { AnchorHTMLAttributes } from "react";

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> {
  /** An app path such as "/studio" or "/studio?project=1". */
  to: string;
}

/** An `<a>` to a page of the studio (hash routing). */
export function Link({ to, ...rest }: LinkProps) {
  return <a href={`#${to.startsWith("/") ? to : `/${to}`}`} {...rest} />;
}
