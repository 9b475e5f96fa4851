/**
 * Vigie's object classes: the COCO names the bundled detector knows (snake_case),
 * plus `object` for a class-agnostic motion blob.
 */
export const COCO_CLASSES = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic_light', 'fire_hydrant', 'stop_sign', 'parking_meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports_ball', 'kite',
  'baseball_bat', 'baseball_glove', 'skateboard', 'surfboard', 'tennis_racket', 'bottle',
  'wine_glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot_dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted_plant',
  'bed', 'dining_table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell_phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy_bear', 'hair_drier', 'toothbrush',
] as const;

export type CocoClass = (typeof COCO_CLASSES)[number];
export type ObjectClass = CocoClass | 'object';

export const OBJECT_CLASSES: readonly ObjectClass[] = [...COCO_CLASSES, 'object'];

/** Road vehicles: the default classes of vehicle rules, tracked by box centre. */
export const VEHICLE_CLASSES: readonly ObjectClass[] = ['bicycle', 'car', 'motorcycle', 'bus', 'truck'];

export function isObjectClass(name: string): name is ObjectClass {
  return (OBJECT_CLASSES as readonly string[]).includes(name);
}
