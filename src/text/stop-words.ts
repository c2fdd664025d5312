import { ara, deu, eng, fra, hin, ind, ita, jpn, kor, nld, por, rus, spa, tur, vie, zho } from 'stopword';

/**
 * Function words that never tell one segment from another, for the languages the service's users
 * most often write: the lists of the `stopword` package (maintained, 62 languages), plus the service's own
 * English list (kept from before, so English labels do not change) and frequent Chinese and Japanese
 * words that say nothing about a person's interests (as "love" and "enjoy" do not in English).
 */

const OWN_ENGLISH = `a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each even ever every
few for from further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like likes liked love loves
me more most much mustn't my myself no nor not now of off on once only or other ought our ours ourselves out over own really
same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up upon us very was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's will with won't
would wouldn't you you'd you'll you're you've your yours yourself yourselves im ive dont lot lots thing things one two three
many new also well way enjoy enjoys enjoyed`;

// The package's Chinese list is single characters; these are the frequent two-character function words.
const OWN_CHINESE = `我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 一个 一些 一下 没有 可以 因为 所以 但是 如果 还是
就是 已经 非常 真的 常常 经常 有时 有时候 时候 觉得 喜欢 一起 最近 每天 特别 比较 还有 然后 或者 而且 不过 以及 虽然 其实 我的 你的
他的 她的 也是 都是 很多 东西 事情 常去 平时 总是 就会 会在`;

const OWN_JAPANESE = `です ます でした ました ません だ って という 私 僕 好き 大好き よく とても`;

/**
 * Words of other languages' lists that are English content words ("man" is German for "one", "door"
 * Dutch for "through"): kept, since an English segment about doors or war should be able to say so.
 */
const ENGLISH_CONTENT_WORDS = new Set(
  'ag ai ben bin chi die door era gross hat kim lama los man men son sin sue tag tel van war'.split(' '),
);

const STOP_WORDS: ReadonlySet<string> = new Set(
  [
    ...eng,
    ...[ara, deu, fra, hin, ind, ita, jpn, kor, nld, por, rus, spa, tur, vie, zho].flat().filter((w) => !ENGLISH_CONTENT_WORDS.has(w)),
    ...`${OWN_ENGLISH} ${OWN_CHINESE} ${OWN_JAPANESE}`.split(/\s+/),
  ]
    .map((w) => w.normalize('NFKC').toLowerCase())
    .filter((w) => w !== ''),
);

/** Whether `word` (normalised as words() returns it) is a stop word in one of the covered languages. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** The languages whose stop words are removed, as ISO 639-3 codes (README). */
export const STOP_WORD_LANGUAGES = ['ara', 'deu', 'eng', 'fra', 'hin', 'ind', 'ita', 'jpn', 'kor', 'nld', 'por', 'rus', 'spa', 'tur', 'vie', 'zho'] as const;
