/** zod shapes of the "recommended for you" widget. */
import { z } from 'zod'
import { productCard, productIdSchema } from '../catalog/catalog.schema'

/** Cards the widget shows. */
export const RECOMMENDATIONS_SHOWN = 4

export const recommendationsInput = z.object({ productId: productIdSchema })
export const recommendations = z.array(productCard).max(RECOMMENDATIONS_SHOWN)
