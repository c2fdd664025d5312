import { Random } from '../clustering/random.js';

/**
 * Planted multilingual personas: users who write about one theme each, in Chinese (no spaces between
 * words), English or Spanish, with words every theme shares, so that grouping them by theme is a test of
 * the embedding rather than of string matching. Used by the multilingual tests and bench/multilingual.ts.
 */

export type PersonaLanguage = 'zh' | 'en' | 'es';

export interface MultilingualTheme {
  readonly name: string;
  readonly language: PersonaLanguage;
  readonly words: readonly string[];
}

export const CHINESE_THEMES: readonly MultilingualTheme[] = [
  { name: 'zh-outdoors', language: 'zh', words: ['徒步', '露营', '爬山', '登山', '帐篷', '森林', '湖边', '野营', '背包', '瀑布', '山顶', '溪流'] },
  { name: 'zh-finance', language: 'zh', words: ['投资', '股票', '基金', '理财', '储蓄', '债券', '分红', '退休', '预算', '通胀', '收益', '指数'] },
  { name: 'zh-baking', language: 'zh', words: ['烘焙', '面包', '蛋糕', '烤箱', '面粉', '奶油', '饼干', '甜点', '食谱', '黄油', '酵母', '巧克力'] },
  { name: 'zh-gaming', language: 'zh', words: ['游戏', '电竞', '主机', '手柄', '联机', '策略', '键盘', '关卡', '副本', '网游', '玩家', '装备'] },
  { name: 'zh-music', language: 'zh', words: ['音乐', '吉他', '钢琴', '演唱会', '乐队', '专辑', '爵士', '鼓手', '歌曲', '唱歌', '音乐节', '乐器'] },
  { name: 'zh-astronomy', language: 'zh', words: ['星空', '天文', '望远镜', '火箭', '宇航员', '银河', '行星', '星云', '轨道', '宇宙', '卫星', '流星'] },
];

export const ENGLISH_THEMES: readonly MultilingualTheme[] = [
  { name: 'en-space', language: 'en', words: ['space', 'galaxy', 'rocket', 'astronaut', 'planet', 'alien', 'starship', 'telescope', 'orbit', 'nebula'] },
  { name: 'en-cooking', language: 'en', words: ['recipe', 'pasta', 'curry', 'baking', 'bread', 'vegetables', 'kitchen', 'spices', 'soup', 'salad'] },
  { name: 'en-outdoors', language: 'en', words: ['hiking', 'mountain', 'camping', 'trail', 'forest', 'climbing', 'river', 'tent', 'boots', 'lake'] },
];

export const SPANISH_THEMES: readonly MultilingualTheme[] = [
  { name: 'es-football', language: 'es', words: ['fútbol', 'partido', 'equipo', 'goles', 'estadio', 'entrenador', 'liga', 'jugadores', 'balón', 'campeonato'] },
  { name: 'es-gardening', language: 'es', words: ['jardinería', 'plantas', 'flores', 'semillas', 'huerto', 'tierra', 'riego', 'macetas', 'tomates', 'abono'] },
];

/** Words every Chinese writer uses whatever their theme: the shared part that makes the task hard. */
const CHINESE_SHARED = ['电影', '咖啡', '读书', '工作', '跑步', '美食', '摄影', '旅行', '朋友', '城市'];
const CHINESE_CLAUSES = ['我喜欢{}和{}', '周末常常{}', '最近在学{}', '和朋友一起{}{}', '我觉得{}很有意思', '每天都{}', '{}是我的爱好', '平时会{}'];
/** The Chinese counterpart of ENGLISH_FILLERS (I, love, my, and, every, weekend, about, the, with, friends, really, good). */
const CHINESE_FILLERS = ['我', '喜欢', '我的', '和', '每个', '周末', '关于', '的', '一起', '朋友', '真的', '好'];
const ENGLISH_FILLERS = ['i', 'love', 'my', 'and', 'every', 'weekend', 'about', 'the', 'with', 'friends', 'really', 'good'];
const SPANISH_FILLERS = ['me', 'gusta', 'mucho', 'el', 'los', 'fines', 'de', 'semana', 'con', 'amigos', 'y', 'siempre'];

export interface PlantedUser {
  readonly id: string;
  readonly text: string;
  /** Index of the user's theme in the themes given. */
  readonly theme: number;
}

/**
 * How Chinese users write: "words" is the counterpart of the English personas (12 words, 60% from the
 * theme, the rest fillers, written without spaces); "sentences" puts theme words into everyday clauses
 * ("我觉得…很有意思", "和朋友一起…") whose non-theme words ("朋友", "爱好", "有意思") every theme shares,
 * the harder case for a model without word frequencies.
 */
export type ChineseStyle = 'words' | 'sentences';

/** `perTheme` users per theme, in theme order; reproducible from `seed`. */
export function multilingualPersonas(themes: readonly MultilingualTheme[], perTheme: number, seed = 1, style: ChineseStyle = 'words'): PlantedUser[] {
  const random = new Random(seed);
  const pick = <T>(list: readonly T[]) => list[random.int(list.length)]!;
  const users: PlantedUser[] = [];
  themes.forEach((theme, t) => {
    for (let u = 0; u < perTheme; u++) {
      users.push({ id: `${theme.name}-${u}`, text: themeText(theme, style, pick, random), theme: t });
    }
  });
  return users;
}

function themeText(theme: MultilingualTheme, style: ChineseStyle, pick: <T>(list: readonly T[]) => T, random: Random): string {
  if (theme.language === 'zh' && style === 'words') {
    const parts: string[] = [];
    for (let w = 0; w < 12; w++) parts.push((random.next() < 0.6 ? pick(theme.words) : pick(CHINESE_FILLERS)) + (w % 4 === 3 && w < 11 ? '，' : ''));
    return `${parts.join('')}。`;
  }
  if (theme.language === 'zh') {
    const word = () => (random.next() < 0.75 ? pick(theme.words) : pick(CHINESE_SHARED));
    const clauses: string[] = [];
    const count = 3 + random.int(2);
    for (let c = 0; c < count; c++) clauses.push(pick(CHINESE_CLAUSES).replace(/\{\}/g, word));
    return `${clauses.join('，')}。`;
  }
  const fillers = theme.language === 'en' ? ENGLISH_FILLERS : SPANISH_FILLERS;
  const words: string[] = [];
  for (let w = 0; w < 12; w++) words.push(random.next() < 0.6 ? pick(theme.words) : pick(fillers));
  return words.join(' ');
}
