"""Federated learning with representation matching and REINFORCE-tuned hyper-parameters.

After Mostafa, "Robust Federated Learning Through Representation Matching and Adaptive
Hyper-parameters", arXiv:1912.13075 (2019).
"""
