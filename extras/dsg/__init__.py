"""DSG-DETR on synthetic video: Hungarian tracklets and temporal transformers.

After Feng, Tripathi, Mostafa, Nassar and Majumdar, "Exploiting Long-Term Dependencies
for Generating Dynamic Scene Graphs", WACV 2023 (arXiv:2112.09828).
"""
