/** Word extraction for segment portraits: lowercase word tokens without stop words. */

// A compact English stop-word list: function words that never distinguish a segment.
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between
both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each even ever every few
for from further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like likes liked love loves
me more most much mustn't my myself no nor not now of off on once only or other ought our ours ourselves out over own
really same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves
then there there's these they they'd they'll they're they've this those through to too under until up upon us very was
wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves im ive dont lot lots thing
things one two three many new also well way enjoy enjoys enjoyed`.split(/\s+/),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Lowercase words of two or more letters (digits and inner hyphens/apostrophes allowed), stop words removed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().normalize('NFKD').matchAll(/[\p{L}\p{N}][\p{L}\p{N}'-]*[\p{L}\p{N}]/gu)) {
    const word = match[0];
    if (!STOP_WORDS.has(word) && !/^\d+$/.test(word)) out.push(word);
  }
  return out;
}
