import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('ProjectionCentroid', { description: 'A segment\'s centroid on the run\'s 2-D projection.' })
export class ProjectionCentroidType {
  @Field(() => Int, { description: 'The segment\'s index in its run (0 = largest).' })
  segmentIndex!: number;

  @Field(() => ID, { nullable: true, description: 'The segment\'s stable key; null when the run has no keys.' })
  segmentKey!: string | null;

  @Field(() => Float, { description: 'Coordinate on the first principal component.' })
  x!: number;

  @Field(() => Float, { description: 'Coordinate on the second principal component.' })
  y!: number;
}

@ObjectType('ProjectionPoint', { description: 'A sampled member on the run\'s 2-D projection.' })
export class ProjectionPointType {
  @Field(() => ID, { description: 'The user\'s id.' })
  userId!: string;

  @Field(() => Int, { description: 'The index of the segment the run placed the user in.' })
  segmentIndex!: number;

  @Field(() => ID, { nullable: true, description: 'That segment\'s stable key; null when the run has no keys.' })
  segmentKey!: string | null;

  @Field(() => Float, { description: 'Coordinate on the first principal component.' })
  x!: number;

  @Field(() => Float, { description: 'Coordinate on the second principal component.' })
  y!: number;
}

@ObjectType('RunProjection', {
  description: 'Centroids and a seeded member sample of a run, projected to 2-D by PCA (fitted on the sample) for plots.',
})
export class RunProjectionType {
  @Field(() => String, { description: 'How the coordinates were computed: PCA.' })
  method!: string;

  @Field(() => [ProjectionCentroidType], { description: 'One point per top-level segment, in segment index order.' })
  centroids!: ProjectionCentroidType[];

  @Field(() => [ProjectionPointType], { description: 'Sampled members (a random sample, so any prefix is one too).' })
  members!: ProjectionPointType[];
}
