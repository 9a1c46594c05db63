// Small wording helpers shared by pages.

/** '1 film', '3 films'. */
export function filmCount(n) {
  return `${n} film${n === 1 ? '' : 's'}`;
}
