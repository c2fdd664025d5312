import { Random } from '../clustering/random.js';
import type { MultilingualTheme, PlantedUser } from './multilingual-personas.js';

/**
 * Planted personas for the corpus-fit tests and bench/multilingual.ts, apart from the bench's (src/evaluation/multilingual-personas.ts):
 * other themes and another generator, so the fit is not tuned to one set of sentences. Each user writes
 * 3 or 4 everyday clauses ("下班以后我一般会…", "这段时间迷上了…") with a theme word or an everyday word
 * every theme shares ("奶茶", "追剧", "火锅") in each slot; the clauses' own words ("下班", "时间",
 * "生活", "家人") are shared by every theme too. Without corpus statistics a user is as much these
 * shared words as their theme.
 */

export const EVERYDAY_THEMES: readonly MultilingualTheme[] = [
  { name: 'zh-pets', language: 'zh', words: ['猫咪', '小狗', '宠物', '猫粮', '狗粮', '遛狗', '兽医', '疫苗', '猫砂', '领养', '驱虫', '铲屎官'] },
  { name: 'zh-fitness', language: 'zh', words: ['健身', '举铁', '深蹲', '卧推', '蛋白粉', '增肌', '减脂', '跑步机', '哑铃', '私教', '有氧', '拉伸'] },
  { name: 'zh-photography', language: 'zh', words: ['摄影', '相机', '镜头', '快门', '光圈', '构图', '胶片', '修图', '三脚架', '曝光', '人像', '风光'] },
  { name: 'zh-gardening', language: 'zh', words: ['园艺', '多肉', '盆栽', '浇水', '施肥', '花盆', '种子', '发芽', '阳台', '月季', '修剪', '土壤'] },
  { name: 'zh-tea', language: 'zh', words: ['茶叶', '绿茶', '普洱', '乌龙', '茶具', '泡茶', '茶道', '红茶', '龙井', '茶馆', '紫砂', '品茶'] },
  { name: 'zh-programming', language: 'zh', words: ['编程', '代码', '程序员', '算法', '前端', '后端', '数据库', '调试', '开源', '框架', '服务器', '接口'] },
];

/** Everyday things every theme's writers mention. */
const EVERYDAY_WORDS = ['奶茶', '追剧', '睡觉', '上班', '聊天', '火锅', '逛街', '外卖', '游泳', '看书'];

const CLAUSES = [
  '下班以后我一般会{}',
  '这段时间迷上了{}',
  '周末和家人一起{}',
  '我发现{}特别解压',
  '大学的时候就开始{}了',
  '希望认识更多喜欢{}的人',
  '{}让我的生活更充实',
  '有空的时候研究{}和{}',
  '今年打算多花时间在{}上',
  '每次{}都很开心',
];

/** `perTheme` users per theme, in theme order; `share` of slots hold a theme word, the rest an everyday word. */
export function everydayChinesePersonas(themes: readonly MultilingualTheme[], perTheme: number, seed: number, share = 0.7): PlantedUser[] {
  const random = new Random(seed);
  const pick = <T>(list: readonly T[]) => list[random.int(list.length)]!;
  const users: PlantedUser[] = [];
  themes.forEach((theme, t) => {
    for (let u = 0; u < perTheme; u++) {
      const word = () => (random.next() < share ? pick(theme.words) : pick(EVERYDAY_WORDS));
      const clauses: string[] = [];
      const count = 3 + random.int(2);
      for (let c = 0; c < count; c++) clauses.push(pick(CLAUSES).replace(/\{\}/g, word));
      users.push({ id: `${theme.name}-${u}`, text: `${clauses.join('，')}。`, theme: t });
    }
  });
  return users;
}
